/** The live state of a session, as the store holds it. */
export interface SessionRecord {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  teacherId: string;
  /** The course's teachers when the session opened: who may stop it and see its roster. */
  teacherIds: string[];
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  closedBy?: string;
  /** The fence's centre is for the check-in decision only: never sent to a client. */
  fence: { latitude: number; longitude: number; radiusM: number };
  enrolledCount: number;
  presentCount: number;
}

export interface NewSession {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  teacherId: string;
  teacherIds: string[];
  openedAt: string;
  fence: { latitude: number; longitude: number; radiusM: number };
  /** The roster snapshot: who may check in, and their names for the live roster. */
  students: { id: string; name: string }[];
}

/** What is kept of a student's accepted check-in. Never the position itself. */
export interface StoredMark {
  submissionId: string;
  markedAt: string;
  distanceM: number;
  accuracyM: number;
  methods: ('passkey' | 'geofence' | 'qr')[];
}

export type CreateOutcome = { created: true } | { created: false; openSessionId: string };

export type CloseOutcome =
  | { kind: 'closed' | 'already-closed'; closedAt: string; closedBy: string; presentStudentIds: string[] }
  | { kind: 'not-found' };

export type MarkOutcome =
  | { kind: 'recorded' | 'retry'; courseId: string; mark: StoredMark }
  | { kind: 'already-present' | 'not-found' | 'not-open' | 'not-enrolled' };

export interface LiveRoster {
  /** Every enrolled student with their name. */
  students: { id: string; name: string }[];
  present: Map<string, StoredMark>;
}

export interface CheckinFacts {
  session: SessionRecord;
  enrolled: boolean;
  alreadyPresent: boolean;
}

/** Where live sessions are kept. Implemented on Redis; unit tests use an in-memory fake. */
export interface SessionStore {
  /** Atomically: opens the session unless its course already has an open one. */
  create(session: NewSession): Promise<CreateOutcome>;
  find(sessionId: string): Promise<SessionRecord | null>;
  /** The ids of the open sessions of these courses (courses without one are left out). */
  openSessionIds(courseIds: string[]): Promise<string[]>;
  enrolledIds(sessionId: string): Promise<string[]>;
  isEnrolled(sessionId: string, studentId: string): Promise<boolean>;
  liveRoster(sessionId: string): Promise<LiveRoster>;
  checkinFacts(sessionId: string, studentId: string): Promise<CheckinFacts | null>;
  /** Atomically: closes an open session and frees its course. */
  close(sessionId: string, courseId: string, closedAt: string, closedBy: string): Promise<CloseOutcome>;
  /** Atomically: marks an enrolled student of an open session present, at most once. */
  recordMark(sessionId: string, studentId: string, mark: StoredMark): Promise<MarkOutcome>;
}
