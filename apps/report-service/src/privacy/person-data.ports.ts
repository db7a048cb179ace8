import type { AttendanceStatus, ReportPersonData } from '@classconnect/contracts';

/** What the projection knows about one session of the person: its facts, before they become an entry. */
export interface AttendanceFacts {
  sessionId: string;
  courseId: string;
  courseCode: string | null;
  courseTitle: string | null;
  openedAt: string | null;
  closedAt: string | null;
  /** The close event listed the person as present. */
  listedPresent: boolean;
  mark: { status: 'present' | 'late'; markedAt: string; methods: string[] | null; distanceM: number | null; accuracyM: number | null } | null;
  /** The person's row in the built report, when there is one: what teachers see. */
  reportStatus: AttendanceStatus | null;
  /** The latest change by hand of the person's status. */
  handMark: { status: AttendanceStatus; changedAt: string } | null;
}

export interface PushSubscriptionFacts {
  endpoint: string;
  createdAt: string;
  lastSentAt: string | null;
}

/** Reads one person's records across the `report` schema (Postgres; a fake in unit specs). */
export abstract class PersonDataStore {
  /** Sessions the person was enrolled in when they opened, listed present in, or marked in; oldest first. */
  abstract attendanceOf(userId: string): Promise<AttendanceFacts[]>;
  abstract recordsOf(userId: string): Promise<Pick<ReportPersonData, 'checkins' | 'flags' | 'handMarks' | 'warnings'>>;
  abstract pushSubscriptionsOf(userId: string): Promise<PushSubscriptionFacts[]>;
}
