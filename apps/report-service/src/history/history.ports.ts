import type { AttendanceStatus, CourseReply, CourseSummary, RosterReply } from '@classconnect/contracts';

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

/** Courses, their teachers and students, from identity-service. Throws when it cannot answer. */
export abstract class CourseDirectory {
  /** The course with its current teachers; COURSE_NOT_FOUND for an unknown id. */
  abstract course(courseId: string): Promise<CourseReply>;
  /** The students enrolled now. */
  abstract roster(courseId: string): Promise<RosterReply['students']>;
  /** The courses a user teaches or attends now. */
  abstract coursesOf(userId: string): Promise<CourseSummary[]>;
}
