import type { ReportReply } from '@classconnect/contracts';

/** RFC 4180 field quoting; a leading =, +, - or @ is prefixed so spreadsheets never run it as a formula. */
export function field(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportToCsv(report: ReportReply): string {
  // Columns are only ever added at the end, so spreadsheets and scripts reading by position keep working.
  const header = [
    'student_id',
    'name',
    'email',
    'status',
    'checked_in_at',
    'distance_m',
    'accuracy_m',
    'proven_by',
    'last_rejection',
    'checkin_status',
    'changed_reason',
    'changed_by',
    'changed_at',
    // Check-in flags: codes joined with +
    'flags',
  ];
  const lines = [header.join(',')];
  for (const row of report.rows) {
    lines.push(
      [
        row.studentId,
        row.name,
        row.email,
        row.status,
        row.checkedInAt,
        row.distanceM === undefined ? '' : Math.round(row.distanceM),
        row.accuracyM === undefined ? '' : Math.round(row.accuracyM),
        row.methods?.join('+'),
        row.lastRejection,
        // What the check-in itself gave (present / late), also when a teacher changed the status.
        row.checkinStatus ?? (row.checkedInAt ? row.status : undefined),
        row.override?.reason,
        row.override?.by,
        row.override?.at,
        row.flags?.map((f) => f.code).join('+'),
      ]
        .map(field)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export function reportFileName(report: ReportReply): string {
  const date = report.openedAt.slice(0, 10);
  return `attendance-${report.courseCode.replace(/[^A-Za-z0-9_-]/g, '_')}-${date}.csv`;
}
