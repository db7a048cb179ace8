import type { MarkRecord, SessionRecord } from './report.ports.js';

export type Readiness =
  | { kind: 'ready' }
  /** Something the report needs has not been projected yet: ask again a little later. */
  | { kind: 'wait' }
  /** Waited long enough: build with what we have. */
  | { kind: 'overdue'; missingMarks: string[]; openedMissing: boolean };

/**
 * A closed session's report waits for a mark for every student its close event lists (a mark
 * event may arrive after the close event) and for the session.opened event (the denominator);
 * after `maxWaitMs` from when the close was first projected, it is built anyway.
 */
export function readiness(session: SessionRecord, marks: MarkRecord[], now: Date, maxWaitMs: number): Readiness {
  const marked = new Set(marks.map((m) => m.studentId));
  const missingMarks = (session.presentIds ?? []).filter((id) => !marked.has(id));
  const openedMissing = !session.openedAt;
  if (missingMarks.length === 0 && !openedMissing) return { kind: 'ready' };
  const since = session.closeSeenAt ? Date.parse(session.closeSeenAt) : now.getTime();
  if (now.getTime() - since < maxWaitMs) return { kind: 'wait' };
  return { kind: 'overdue', missingMarks, openedMissing };
}
