import type { AttendanceStatus } from '@classconnect/contracts';

/** One student's line in a built report, reduced to what the history needs. */
export interface HistoryRow {
  studentId: string;
  name: string;
  email: string;
  status: AttendanceStatus;
  /** A teacher set the status by hand. */
  changedByHand: boolean;
}

/** A closed session whose report is built, with its rows as the report stands now. */
export interface ClosedSessionRecord {
  sessionId: string;
  courseId: string;
  openedAt?: string;
  closedAt: string;
  rows: HistoryRow[];
}

/** Reads the built reports of closed sessions (Postgres in production, a fake in unit specs). */
export abstract class HistoryStore {
  /** Every closed session of the course with a built report, newest first (by closedAt). */
  abstract closedSessionsOfCourse(courseId: string): Promise<ClosedSessionRecord[]>;
  /**
   * The closed sessions of these courses whose report lists the student, newest first; each with
   * the student's own row only.
   */
  abstract closedSessionsOfStudent(studentId: string, courseIds: string[]): Promise<ClosedSessionRecord[]>;
}
