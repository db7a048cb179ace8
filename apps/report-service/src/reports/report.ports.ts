import type { AttendanceStatus, CheckinFlag, ReportIncomplete, ReportRow } from '@classconnect/contracts';

/** A session as the projection holds it. Fields from session.opened are missing until it arrives. */
export interface SessionRecord {
  sessionId: string;
  courseId: string;
  courseCode?: string;
  courseTitle?: string;
  teacherId?: string;
  openedAt?: string;
  closedAt?: string;
  closedBy?: string;
  enrolledIds?: string[];
  presentIds?: string[];
  /** When this service first projected the close event. */
  closeSeenAt?: string;
  /** When the session was last reopened after a Stop (a close before this no longer stands). */
  reopenedAt?: string;
  /** How many times it was reopened (absent: never). */
  reopens?: number;
}

export interface MarkRecord {
  studentId: string;
  submissionId: string;
  markedAt: string;
  /** The evidence: absent once removed after the retention period. */
  distanceM?: number;
  accuracyM?: number;
  methods?: string[];
  /** From mark.recorded.v2; marks known only from v1 are present. */
  status?: 'present' | 'late';
}

/** A student's latest change by hand (the one with the highest sequence). */
export interface OverrideRecord {
  studentId: string;
  status: AttendanceStatus;
  reason: string;
  changedBy: string;
  changedAt: string;
  sequence: number;
}

export interface StoredReport {
  sessionId: string;
  courseId: string;
  builtAt: string;
  presentCount: number;
  absentCount: number;
  rows: ReportRow[];
  publishedAt?: string;
  /** 0 as built; +1 for each update after it (a change by hand, or an event that arrived after it was built). */
  revision?: number;
  /** The last revision announced with report.updated (0: none). */
  publishedRevision?: number;
  /** When the retention period removed the detailed evidence. */
  evidenceRemovedAt?: string;
  /** What was still missing when it was built after its wait; absent once nothing is. */
  incomplete?: ReportIncomplete;
  /** How many times its session had been reopened (absent: never): the report of each close is announced under keys of its own. */
  reopens?: number;
}

export interface ReportUpdate {
  rows: ReportRow[];
  presentCount: number;
  absentCount: number;
  /** What is still missing; absent clears it. */
  incomplete?: ReportIncomplete;
}

/** What the report logic reads and writes (Postgres in production, an in-memory fake in unit specs). */
export abstract class ReportStore {
  abstract findSession(sessionId: string): Promise<SessionRecord | null>;
  abstract marksOf(sessionId: string): Promise<MarkRecord[]>;
  /** For each student of the session with a rejected check-in: the reason of the latest one. */
  abstract lastRejectionsOf(sessionId: string): Promise<Map<string, string>>;
  /** Each student's latest change by hand in the session. */
  abstract overridesOf(sessionId: string): Promise<Map<string, OverrideRecord>>;
  abstract findReport(sessionId: string): Promise<StoredReport | null>;
  /** The sessions among these whose report is stored. */
  abstract builtAmong(sessionIds: string[]): Promise<Set<string>>;
  /** Stores the report unless one is already stored; returns the stored one either way. */
  abstract saveReport(report: StoredReport): Promise<StoredReport>;
  abstract markPublished(sessionId: string, at: Date): Promise<void>;
  /** Replaces a stored report's rows and `incomplete` if its revision is still `fromRevision`; false when another writer got there first. */
  abstract updateReport(sessionId: string, fromRevision: number, update: ReportUpdate): Promise<boolean>;
  abstract markUpdatePublished(sessionId: string, revision: number): Promise<void>;
  /** Check-in flags: each flagged student's flags in the session, oldest first. */
  abstract flagsOf(sessionId: string): Promise<Map<string, CheckinFlag[]>>;
}

/** Announces a built report on the ATTENDANCE stream. */
export abstract class ReadyPublisher {
  abstract reportReady(report: StoredReport, correlationId?: string): Promise<void>;
  /** Announces a revision of a report that changed after it was ready. */
  abstract reportUpdated(report: StoredReport, correlationId?: string): Promise<void>;
}
