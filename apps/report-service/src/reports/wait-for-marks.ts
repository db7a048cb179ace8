import type { ReportIncomplete } from '@classconnect/contracts';
import type { MarkRecord, SessionRecord } from './report.ports.js';

/** What a closed session's report waits for and the projection does not hold yet. */
export interface Missing {
  /** Students the close event lists as present whose mark has not arrived. */
  missingMarks: string[];
  /** session.opened (the denominator) has not arrived. */
  openedMissing: boolean;
}

export type Readiness =
  | { kind: 'ready' }
  /** Something the report needs has not been projected yet: ask again a little later. */
  | { kind: 'wait' }
  /** Waited long enough: build with what we have, and say what is missing. */
  | ({ kind: 'overdue' } & Missing);

export function missingFor(session: SessionRecord, marks: MarkRecord[]): Missing {
  const marked = new Set(marks.map((m) => m.studentId));
  return { missingMarks: (session.presentIds ?? []).filter((id) => !marked.has(id)), openedMissing: !session.openedAt };
}

/**
 * A closed session's report waits for a mark for every student its close event lists (a mark
 * event may arrive after the close event) and for the session.opened event (the denominator);
 * after `maxWaitMs` from when the close was first projected, it is built anyway.
 */
export function readiness(session: SessionRecord, marks: MarkRecord[], now: Date, maxWaitMs: number): Readiness {
  const missing = missingFor(session, marks);
  if (missing.missingMarks.length === 0 && !missing.openedMissing) return { kind: 'ready' };
  const since = session.closeSeenAt ? Date.parse(session.closeSeenAt) : now.getTime();
  if (now.getTime() - since < maxWaitMs) return { kind: 'wait' };
  return { kind: 'overdue', ...missing };
}

/** What a report built without everything it waits for records; undefined when nothing is missing. */
export function incompleteOf(missing: Missing): ReportIncomplete | undefined {
  if (missing.missingMarks.length === 0 && !missing.openedMissing) return undefined;
  return { reason: 'EVENTS_MISSING', missingStudentIds: missing.missingMarks, openedMissing: missing.openedMissing };
}
