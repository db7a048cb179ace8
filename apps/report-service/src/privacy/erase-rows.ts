import type { ReportIncomplete, ReportRow } from '@classconnect/contracts';
import { byName, roomCounts } from '../reports/report-builder.js';
import { canonical } from '../reports/report.service.js';

/**
 * What a report row calls a student whose account was erased: identity-service answers the same
 * name (and an empty email) for the id from then on, so a report built or rebuilt later agrees.
 */
export const ErasedStudentName = 'Erased student';

/** What happens to an erased person's attendance (the deployment's ERASURE_ATTENDANCE, carried by the event). */
export type ErasedAttendance = 'pseudonymised' | 'removed';

export interface ReportContent {
  rows: ReportRow[];
  incomplete?: ReportIncomplete | null;
}

export interface ErasedReport {
  rows: ReportRow[];
  presentCount: number;
  absentCount: number;
  incomplete: ReportIncomplete | null;
}

/** The person's names and emails as reports hold them: what a teacher's free-text reason may mention. */
export function mentionsOf(rows: readonly ReportRow[], userId: string): string[] {
  const found = rows.filter((r) => r.studentId === userId).flatMap((r) => [r.name, r.email]);
  return [...new Set(found.map((m) => m.trim()).filter((m) => m.length > 0 && m !== ErasedStudentName))];
}

/**
 * `text` with every mention of the person, in any letter case, replaced by the label. Only whole
 * words: a short name must not eat into other words of the reason.
 */
export function scrubMentions(text: string, mentions: readonly string[]): string {
  // Longest first, so a full name goes before a part of it that is also listed (an email's local part, say).
  return [...mentions]
    .sort((a, b) => b.length - a.length)
    .reduce((out, m) => out.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escape(m)}(?![\\p{L}\\p{N}_])`, 'giu'), ErasedStudentName), text);
}

/**
 * One report after the person's erasure, or null when it already is as it should be (a redelivery,
 * or a second event for the same person). Pseudonymised: their row stays, under the label and
 * without email, so every count stays. Removed: their row goes and the totals are counted again
 * from the rows left, as the builder counts them. Either way, mentions of them in the reasons of
 * changes by hand go, and the rows are in the builder's order, so a rebuild later finds nothing new.
 */
export function eraseFromReport(report: ReportContent, userId: string, attendance: ErasedAttendance, mentions: readonly string[]): ErasedReport | null {
  const kept =
    attendance === 'removed'
      ? report.rows.filter((r) => r.studentId !== userId)
      : report.rows.map((r) => (r.studentId === userId ? { ...r, name: ErasedStudentName, email: '' } : r));
  const rows = kept.map((r) => (r.override && mentions.length ? { ...r, override: { ...r.override, reason: scrubMentions(r.override.reason, mentions) } } : r)).sort(byName);
  const incomplete = attendance === 'removed' ? withoutStudent(report.incomplete ?? null, userId) : (report.incomplete ?? null);
  if (canonical(rows) === canonical(report.rows) && canonical(incomplete) === canonical(report.incomplete ?? null)) return null;
  return { rows, ...roomCounts(rows), incomplete };
}

/** A removed student is no longer waited for; nothing missing any more means the report is complete. */
function withoutStudent(incomplete: ReportIncomplete | null, userId: string): ReportIncomplete | null {
  if (!incomplete) return null;
  const missingStudentIds = incomplete.missingStudentIds.filter((id) => id !== userId);
  if (missingStudentIds.length === 0 && !incomplete.openedMissing) return null;
  return { ...incomplete, missingStudentIds };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
