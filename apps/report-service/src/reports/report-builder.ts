import type { AttendanceStatus, ReportRow, UserSummary } from '@classconnect/contracts';
import type { MarkRecord, OverrideRecord } from './report.ports.js';

export interface ReportInput {
  /** Everyone enrolled when the session opened. */
  enrolledIds: string[];
  /** Everyone the close event listed as present. */
  presentIds: string[];
  marks: MarkRecord[];
  lastRejections: Map<string, string>;
  users: UserSummary[];
  /** Each student's latest change by hand (none when left out). */
  overrides?: Map<string, OverrideRecord>;
}

export interface BuiltReport {
  rows: ReportRow[];
  /** present + late: in the room. */
  presentCount: number;
  /** absent + excused: not in the room. */
  absentCount: number;
}

/** Everyone the report must have a row for: enrolled, listed present, or marked. */
export function studentsOf(input: Pick<ReportInput, 'enrolledIds' | 'presentIds' | 'marks'>): string[] {
  return [...new Set([...input.enrolledIds, ...input.presentIds, ...input.marks.map((m) => m.studentId)])];
}

/**
 * One row per student, sorted by name: present or late with how the mark was proven, or absent
 * with the reason of their last refused attempt, if any. A student the close event lists as
 * present is present even when their mark never reached us (the report was built after the wait
 * ran out). A teacher's latest change by hand sets the row's status and is shown with its reason,
 * beside the check-in's own proof, which stays.
 */
export function buildReport(input: ReportInput): BuiltReport {
  const marks = new Map(input.marks.map((m) => [m.studentId, m]));
  const present = new Set(input.presentIds);
  const users = new Map(input.users.map((u) => [u.id, u]));
  const rows = studentsOf(input).map((studentId): ReportRow => {
    const user = users.get(studentId);
    const row = checkinRow({ studentId, name: user?.name ?? 'Unknown student', email: user?.email ?? '' }, marks.get(studentId), present.has(studentId), input.lastRejections.get(studentId));
    const override = input.overrides?.get(studentId);
    if (!override) return row;
    return {
      ...row,
      status: override.status,
      ...(row.checkedInAt ? { checkinStatus: row.status as 'present' | 'late' } : {}),
      override: { status: override.status, reason: override.reason, by: override.changedBy, at: override.changedAt },
    };
  });
  rows.sort(byName);
  return { rows, ...roomCounts(rows) };
}

/** The report's two totals: late counts as in the room, excused as not. */
export function roomCounts(rows: Pick<ReportRow, 'status'>[]): Pick<BuiltReport, 'presentCount' | 'absentCount'> {
  const counts = countStatuses(rows);
  return { presentCount: counts.present + counts.late, absentCount: counts.absent + counts.excused };
}

/** How many rows have each status. */
export function countStatuses(rows: Pick<ReportRow, 'status'>[]): Record<AttendanceStatus, number> {
  const counts: Record<AttendanceStatus, number> = { present: 0, late: 0, excused: 0, absent: 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}

function checkinRow(person: Pick<ReportRow, 'studentId' | 'name' | 'email'>, mark: MarkRecord | undefined, listedPresent: boolean, lastRejection: string | undefined): ReportRow {
  if (mark) {
    return {
      ...person,
      status: mark.status ?? 'present',
      checkedInAt: mark.markedAt,
      ...(mark.distanceM !== undefined ? { distanceM: mark.distanceM } : {}),
      ...(mark.accuracyM !== undefined ? { accuracyM: mark.accuracyM } : {}),
      ...(mark.methods !== undefined ? { methods: mark.methods } : {}),
    };
  }
  if (listedPresent) return { ...person, status: 'present' };
  return lastRejection ? { ...person, status: 'absent', lastRejection } : { ...person, status: 'absent' };
}

/** Names compare as `localeCompare(…, 'en', { sensitivity: 'base' })` does, with the collator made once (not per comparison). */
const NameCollator = new Intl.Collator('en', { sensitivity: 'base' });

/** The order of a report's rows: by name, then email, then id (so equal names keep one order). */
export function byName(a: ReportRow, b: ReportRow): number {
  return (
    NameCollator.compare(a.name, b.name) ||
    a.email.localeCompare(b.email) ||
    a.studentId.localeCompare(b.studentId)
  );
}
