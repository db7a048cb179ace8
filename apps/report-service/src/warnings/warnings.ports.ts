import type { AttendanceStatus, WarningClearReason, WarningFigures, WarningKind, WarningThresholds } from '@classconnect/contracts';

/** A warning as stored: open while `clearedAt` is absent. */
export interface StoredWarning {
  warningId: string;
  courseId: string;
  studentId: string;
  kind: WarningKind;
  thresholds: WarningThresholds;
  figures: WarningFigures;
  sessionId: string;
  raisedAt: string;
  raisePublished: boolean;
  clearedAt?: string;
  clearReason?: WarningClearReason;
  clearFigures?: WarningFigures;
  clearSessionId?: string;
  clearPublished: boolean;
}

/** A course's built reports reduced to what warnings read. */
export interface CourseStatuses {
  /** The newest closed session with a built report. */
  newestSessionId: string;
  /** The students the newest report lists (enrolled when it opened). */
  newestListed: Set<string>;
  /** Each student's status in each report that lists them, newest first. */
  byStudent: Map<string, AttendanceStatus[]>;
}

export interface NewWarning {
  warningId: string;
  courseId: string;
  studentId: string;
  kind: WarningKind;
  thresholds: WarningThresholds;
  figures: WarningFigures;
  sessionId: string;
  raisedAt: string;
}

export interface WarningClear {
  at: string;
  reason: WarningClearReason;
  figures: WarningFigures;
  sessionId: string;
}

/** What warnings read and write (Postgres in production, an in-memory fake in unit specs). */
export abstract class WarningStore {
  abstract courseOfReport(sessionId: string): Promise<string | null>;
  abstract courseStatuses(courseId: string): Promise<CourseStatuses | null>;
  /** The course's own thresholds, or null to use the deployment's. */
  abstract thresholdsOf(courseId: string): Promise<WarningThresholds | null>;
  abstract setThresholds(courseId: string, thresholds: WarningThresholds | null, by: string, at: string): Promise<void>;
  abstract openOfCourse(courseId: string): Promise<StoredWarning[]>;
  abstract openOfStudent(studentId: string): Promise<StoredWarning[]>;
  /** Stores a raise unless the same (course, student, kind) is already open; false then. */
  abstract raise(warning: NewWarning): Promise<boolean>;
  /** Clears an open warning; false when it was already cleared. */
  abstract clear(warningId: string, clear: WarningClear): Promise<boolean>;
  /** Raises and clears of the course written but not yet published. */
  abstract unpublished(courseId: string): Promise<StoredWarning[]>;
  abstract markPublished(warningId: string, what: 'raise' | 'clear'): Promise<void>;
}
