import type { ReportReply, ReportRow } from '@classconnect/contracts';

/** RFC 4180 field quoting; a leading =, +, - or @ is prefixed so spreadsheets never run it as a formula. */
export function field(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report's columns, for the CSV and the spreadsheet alike. Columns are only ever added at the
 * end, so spreadsheets and scripts reading by position keep working. `metres` marks the numbers.
 */
export const ReportColumns: { name: string; value: (row: ReportRow) => string | number | undefined; metres?: true }[] = [
  { name: 'student_id', value: (r) => r.studentId },
  { name: 'name', value: (r) => r.name },
  { name: 'email', value: (r) => r.email },
  { name: 'status', value: (r) => r.status },
  { name: 'checked_in_at', value: (r) => r.checkedInAt },
  { name: 'distance_m', value: (r) => (r.distanceM === undefined ? undefined : Math.round(r.distanceM)), metres: true },
  { name: 'accuracy_m', value: (r) => (r.accuracyM === undefined ? undefined : Math.round(r.accuracyM)), metres: true },
  { name: 'proven_by', value: (r) => r.methods?.join('+') },
  { name: 'last_rejection', value: (r) => r.lastRejection },
  // What the check-in itself gave (present / late), also when a teacher changed the status.
  { name: 'checkin_status', value: (r) => r.checkinStatus ?? (r.checkedInAt ? r.status : undefined) },
  { name: 'changed_reason', value: (r) => r.override?.reason },
  { name: 'changed_by', value: (r) => r.override?.by },
  { name: 'changed_at', value: (r) => r.override?.at },
  // Check-in flags: codes joined with +
  { name: 'flags', value: (r) => r.flags?.map((f) => f.code).join('+') },
];

export function reportToCsv(report: ReportReply): string {
  const lines = [ReportColumns.map((c) => c.name).join(',')];
  for (const row of report.rows) lines.push(ReportColumns.map((c) => field(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function reportFileName(report: ReportReply): string {
  const date = report.openedAt.slice(0, 10);
  return `attendance-${report.courseCode.replace(/[^A-Za-z0-9_-]/g, '_')}-${date}.csv`;
}
