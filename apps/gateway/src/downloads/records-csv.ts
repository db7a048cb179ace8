import type { MyRecordsReply } from '@classconnect/contracts';
import { field } from './report-csv.js';

/** A student's own records as CSV (formula-safe, like the report's): one line per session, newest first. */
export function recordsToCsv(records: MyRecordsReply): string {
  // Columns are only ever added at the end.
  const header = [
    'course_code',
    'course_title',
    'session_id',
    'opened_at',
    'closed_at',
    'status',
    'checked_in_at',
    'proven_by',
    'distance_m',
    'accuracy_m',
    'last_rejection',
    'checkin_status',
    'changed_reason',
    'changed_by',
    'changed_at',
    'evidence_removed',
  ];
  const lines = [header.join(',')];
  for (const r of records.records) {
    lines.push(
      [
        r.courseCode,
        r.courseTitle,
        r.sessionId,
        r.openedAt,
        r.closedAt,
        r.status,
        r.checkedInAt,
        r.methods?.join('+'),
        r.distanceM === undefined ? '' : Math.round(r.distanceM),
        r.accuracyM === undefined ? '' : Math.round(r.accuracyM),
        r.lastRejection,
        r.checkinStatus ?? (r.checkedInAt && !r.override ? r.status : undefined),
        r.override?.reason,
        r.override?.by,
        r.override?.at,
        r.evidenceRemoved ? 'yes' : 'no',
      ]
        .map(field)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
