import type { ReportRow, UserSummary } from '@classconnect/contracts';
import type { MarkRecord } from './report.ports.js';

export interface ReportInput {
  /** Everyone enrolled when the session opened. */
  enrolledIds: string[];
  /** Everyone the close event listed as present. */
  presentIds: string[];
  marks: MarkRecord[];
  lastRejections: Map<string, string>;
  users: UserSummary[];
}

export interface BuiltReport {
  rows: ReportRow[];
  presentCount: number;
  absentCount: number;
}

/** Everyone the report must have a row for: enrolled, listed present, or marked. */
export function studentsOf(input: Pick<ReportInput, 'enrolledIds' | 'presentIds' | 'marks'>): string[] {
  return [...new Set([...input.enrolledIds, ...input.presentIds, ...input.marks.map((m) => m.studentId)])];
}

/**
 * One row per student, sorted by name: present with how the mark was proven, or absent with the
 * reason of their last refused attempt, if any. A student the close event lists as present is
 * present even when their mark never reached us (the report was built after the wait ran out).
 */
export function buildReport(input: ReportInput): BuiltReport {
  const marks = new Map(input.marks.map((m) => [m.studentId, m]));
  const present = new Set(input.presentIds);
  const users = new Map(input.users.map((u) => [u.id, u]));
  const rows = studentsOf(input).map((studentId): ReportRow => {
    const user = users.get(studentId);
    const person = { studentId, name: user?.name ?? 'Unknown student', email: user?.email ?? '' };
    const mark = marks.get(studentId);
    if (mark) {
      return {
        ...person,
        status: 'present',
        checkedInAt: mark.markedAt,
        distanceM: mark.distanceM,
        accuracyM: mark.accuracyM,
        methods: mark.methods,
      };
    }
    if (present.has(studentId)) return { ...person, status: 'present' };
    const lastRejection = input.lastRejections.get(studentId);
    return lastRejection ? { ...person, status: 'absent', lastRejection } : { ...person, status: 'absent' };
  });
  rows.sort(byName);
  const presentCount = rows.filter((r) => r.status === 'present').length;
  return { rows, presentCount, absentCount: rows.length - presentCount };
}

function byName(a: ReportRow, b: ReportRow): number {
  return (
    a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
    a.email.localeCompare(b.email) ||
    a.studentId.localeCompare(b.studentId)
  );
}
