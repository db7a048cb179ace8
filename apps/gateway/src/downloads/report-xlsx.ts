import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { ReportReply } from '@classconnect/contracts';

/** The report's columns, as in report.csv (same names, same order). */
const Header = [
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
];

/**
 * The report as a spreadsheet (one sheet). Every text is written as a text cell, never a formula,
 * so a name or reason starting with = is shown as typed; distances are numbers, times are ISO text
 * (as in the CSV, so both read the same).
 */
export async function reportToXlsx(report: ReportReply): Promise<Buffer> {
  const text = (v: string | undefined) => (v === undefined || v === '' ? null : { value: v, type: String });
  const metres = (v: number | undefined) => (v === undefined ? null : { value: Math.round(v), type: Number });
  const rows: Row[] = [
    Header.map((h) => ({ value: h, type: String, fontWeight: 'bold' as const })),
    ...report.rows.map((r): Row => [
      text(r.studentId),
      text(r.name),
      text(r.email),
      text(r.status),
      text(r.checkedInAt),
      metres(r.distanceM),
      metres(r.accuracyM),
      text(r.methods?.join('+')),
      text(r.lastRejection),
      text(r.checkinStatus ?? (r.checkedInAt ? r.status : undefined)),
      text(r.override?.reason),
      text(r.override?.by),
      text(r.override?.at),
    ]),
  ];
  return writeXlsxFile(rows, {
    sheet: 'Attendance',
    stickyRowsCount: 1,
    columns: [{ width: 38 }, { width: 28 }, { width: 34 }, { width: 10 }, { width: 26 }, { width: 11 }, { width: 11 }, { width: 20 }, { width: 22 }, { width: 14 }, { width: 32 }, { width: 38 }, { width: 26 }],
  }).toBuffer();
}

export function reportXlsxName(report: ReportReply): string {
  return `attendance-${report.courseCode.replace(/[^A-Za-z0-9_-]/g, '_')}-${report.openedAt.slice(0, 10)}.xlsx`;
}
