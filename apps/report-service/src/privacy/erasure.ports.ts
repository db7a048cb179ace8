import type { ErasedAttendance } from './erase-rows.js';

/** What one erasure changed: counts only, never a name or an email, so it can be logged whole. */
export interface ErasureOutcome {
  pushSubscriptions: number;
  /** Built reports whose rows changed (the person's row renamed or removed, or a reason that named them). */
  reports: string[];
  /** Reasons of changes by hand that mentioned the person. */
  reasonsScrubbed: number;
  /** Only when attendance is removed: */
  checkins: number;
  marks: number;
  flags: number;
  handMarks: number;
  warnings: number;
  sessions: number;
}

/** Erases one person from everything report-service holds, in one transaction (Postgres; a fake in unit specs). */
export abstract class ErasureStore {
  abstract erase(userId: string, attendance: ErasedAttendance): Promise<ErasureOutcome>;
}
