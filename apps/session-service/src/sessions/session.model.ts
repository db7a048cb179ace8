import type { AttendanceStatus, SessionCloseReason } from '@classconnect/contracts';

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
  closeReason?: SessionCloseReason;
  /** On a session closed by Stop: until when it may be reopened. */
  reopenableUntil?: string;
  /** How many times it was reopened (0: never); part of the close and reopen events' dedup keys. */
  reopens?: number;
  /** The latest reopening: when, by whom, and the closedAt it undid. */
  lastReopen?: { at: string; by: string; previousClosedAt: string };
  /** The fence's centre is for the check-in decision only: never sent to a client. */
  fence: { latitude: number; longitude: number; radiusM: number };
  enrolledCount: number;
  presentCount: number;
  /** 10 for sessions opened before this setting existed. */
  lateAfterMinutes: number;
  /** Absent on sessions opened before the window existed: they accept check-ins until Stop. */
  checkinClosesAt?: string;
  autoCloseAt?: string;
  /** Rotating QR codes, when the session uses them. The secret is not part of the record: see QrStore. */
  qr?: SessionQr;
  /** The room the session was started from, when it was. */
  room?: SessionRoom;
}

/** A room's name (its coordinates are the fence's centre, kept like a device position). */
export interface SessionRoom {
  id: string;
  name: string;
  building?: string;
}

export interface SessionQr {
  mode: 'offered' | 'required';
  stepSeconds: number;
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
  lateAfterMinutes: number;
  checkinClosesAt: string;
  /** When the sweep closes the session if nobody stopped it. */
  autoCloseAt: string;
  /** The roster snapshot: who may check in, and their names for the live roster. */
  students: { id: string; name: string }[];
  /** Rotating QR codes: the options and the session's secret (32 random bytes, dropped at close). */
  qr?: SessionQr & { secret: Buffer };
  room?: SessionRoom;
}

/** What is kept of a student's accepted check-in. Never the position itself. */
export interface StoredMark {
  submissionId: string;
  markedAt: string;
  distanceM: number;
  accuracyM: number;
  methods: ('passkey' | 'geofence' | 'qr')[];
  /** Absent on marks recorded before statuses existed: they read as present. */
  status?: 'present' | 'late';
}

/** A status set by hand. The latest one per student is the student's status. */
export interface StoredOverride {
  status: AttendanceStatus;
  previousStatus: AttendanceStatus;
  reason: string;
  by: string;
  at: string;
  /** 1, 2, 3, … per (session, student). */
  sequence: number;
}

export interface MarkChange {
  status: AttendanceStatus;
  reason: string;
  by: string;
  at: string;
}

export type ChangeOutcome = { kind: 'changed'; courseId: string; override: StoredOverride } | { kind: 'not-found' | 'not-enrolled' };

export type CreateOutcome = { created: true } | { created: false; openSessionId: string };

export type CloseOutcome =
  | {
      kind: 'closed' | 'already-closed';
      closedAt: string;
      closedBy: string;
      closeReason: SessionCloseReason;
      presentStudentIds: string[];
      /** How many times the session was reopened before this close. */
      reopens: number;
    }
  | { kind: 'not-found' };

/** What a reopening did; the refusals say why nothing changed. */
export type ReopenOutcome =
  | { kind: 'reopened'; reopens: number; previousClosedAt: string }
  | { kind: 'not-found' | 'open' | 'not-stopped' | 'window-passed' }
  | { kind: 'course-busy'; openSessionId: string };

/** How a Stop keeps the session reopenable: for `seconds`, until `until`. */
export interface ReopenWindow {
  seconds: number;
  until: string;
}

export type MarkOutcome =
  | { kind: 'recorded' | 'retry'; courseId: string; mark: StoredMark }
  /** checkOnly: the session's conditions hold; nothing was written. */
  | { kind: 'allowed' }
  | { kind: 'not-enrolled'; courseId: string }
  /** The QR code did not prove presence (`throttled`: too many attempts in the window, not counted as proof). */
  | { kind: 'qr-refused'; qr: 'expired' | 'wrong-session' | 'invalid' | 'throttled' }
  | { kind: 'already-present' | 'not-found' | 'not-open' | 'window-closed' };

/** One try at marking a student, as the record-mark script judges it. */
export interface MarkAttempt {
  /** The mark to store; its status (present or late) is decided with the rest, from `verifiedAt`. */
  mark: Omit<StoredMark, 'status'>;
  /** When verification decided: the check-in window and the late threshold are judged at this time. */
  verifiedAt: string;
  /** Check the session's conditions only; write nothing. */
  checkOnly: boolean;
  /** The QR code's own verdict (made outside the script: it needs the secret's HMAC), counted against the student's attempts. */
  qr?: { verdict: 'valid' | 'expired' | 'wrong-session' | 'invalid'; attemptsPerWindow: number; windowSeconds: number };
}

export interface LiveRoster {
  /** Every enrolled student with their name. */
  students: { id: string; name: string }[];
  present: Map<string, StoredMark>;
  overrides: Map<string, StoredOverride>;
}

export interface CheckinFacts {
  session: SessionRecord;
  enrolled: boolean;
  alreadyPresent: boolean;
}

/** Where live sessions are kept. Implemented on Redis (SessionRepository); unit tests use an in-memory fake. Nest injects it by this class. */
/** A fence's centre. */
export interface Centre {
  latitude: number;
  longitude: number;
}

export abstract class SessionStore {
  /** Atomically: opens the session unless its course already has an open one. */
  abstract create(session: NewSession): Promise<CreateOutcome>;
  abstract find(sessionId: string): Promise<SessionRecord | null>;
  /** The ids of the open sessions of these courses (courses without one are left out). */
  abstract openSessionIds(courseIds: string[]): Promise<string[]>;
  abstract enrolledIds(sessionId: string): Promise<string[]>;
  abstract isEnrolled(sessionId: string, studentId: string): Promise<boolean>;
  abstract liveRoster(sessionId: string): Promise<LiveRoster>;
  abstract checkinFacts(sessionId: string, studentId: string): Promise<CheckinFacts | null>;
  /** Atomically: closes an open session, frees its course and drops it from the auto-close schedule. */
  abstract close(sessionId: string, courseId: string, closedAt: string, closedBy: string, reason: 'stopped' | 'max-length', reopen?: ReopenWindow): Promise<CloseOutcome>;
  /**
   * Atomically: takes a session closed by Stop back to open, if it is still within its reopen window
   * at `now` and its course has no other open session: the fence's centre and the QR secret kept
   * for the window come back, the course's open key and the auto-close schedule too.
   */
  /** `centre`: the fence's centre again (it is not kept after Stop). */
  abstract reopen(sessionId: string, courseId: string, now: Date, reopenedBy: string, centre: Centre): Promise<ReopenOutcome>;
  /**
   * Atomically, in this order: answers a retry of the submission that marked the student (even once
   * the session closed); refuses when the session is not open, the student not enrolled, the window
   * passed at `verifiedAt`; then (unless checkOnly) counts and judges the QR code, refuses a student
   * already present, and marks the student present or late.
   */
  abstract recordMark(sessionId: string, studentId: string, attempt: MarkAttempt): Promise<MarkOutcome>;
  /** Atomically: sets an enrolled student's status by hand (open or closed session), numbering the change. */
  abstract changeMark(sessionId: string, studentId: string, change: MarkChange): Promise<ChangeOutcome>;
  /** Up to `limit` sessions whose autoCloseAt is at or before `now`. */
  abstract dueForAutoClose(now: Date, limit: number): Promise<string[]>;
  /** Drops a session from the auto-close schedule (it is gone or already closed). */
  abstract forgetAutoClose(sessionId: string): Promise<void>;
  /**
   * Atomically, in an open session only: adds a student who enrolled after it opened, or removes one
   * who left the course (a mark already recorded stays). 'unchanged' when already so; 'not-open' otherwise.
   */
  abstract changeEnrollment(sessionId: string, change: EnrollmentUpdate): Promise<'changed' | 'unchanged' | 'not-open'>;
  abstract epochState(): Promise<EpochState>;
  /** Writes `candidate` as the epoch unless there is one; returns the epoch now stored. */
  abstract claimEpoch(candidate: string): Promise<string>;
  /** Notes that every session lost before `epoch` was written has been closed. */
  abstract markRecovered(epoch: string): Promise<void>;
  /**
   * Atomically, unless the store holds the session: writes it back closed (closeReason
   * state-lost), to expire like any closed session. Either way, returns it as the store now has it.
   */
  abstract restoreClosed(session: LostSession): Promise<RestoreOutcome>;
  /**
   * An erased person: every session's roster copy of their name (open, or closed and kept for late
   * readers) becomes the placeholder. Returns how many sessions held it. Idempotent.
   */
  abstract renameEverywhere(studentId: string, placeholder: string): Promise<number>;
}

/**
 * A session the stream says was open but the store no longer holds (Redis came back empty), as far
 * as the stream tells it: written back closed, so that late readers, retried calls and changes by
 * hand find it as they would any closed session.
 */
export interface LostSession extends Pick<NewSession, 'sessionId' | 'courseId' | 'courseCode' | 'courseTitle' | 'teacherId' | 'teacherIds' | 'openedAt'> {
  radiusM: number;
  closedAt: string;
  closedBy: string;
  /** How many times the stream says it was reopened. */
  reopens?: number;
  students: { id: string; name: string }[];
  present: Map<string, StoredMark>;
  overrides: Map<string, StoredOverride>;
  qr?: SessionQr;
  room?: SessionRoom;
}

export type RestoreOutcome = Extract<CloseOutcome, { kind: 'closed' | 'already-closed' }> | { kind: 'still-open' };

/** The store's epoch: a random value written to an empty store, gone again when the store loses everything. */
export interface EpochState {
  epoch: string | null;
  /** The epoch whose lost sessions have all been closed (none yet: null). */
  recovered: string | null;
}

export type EnrollmentUpdate = { change: 'added'; studentId: string; name: string } | { change: 'removed'; studentId: string };
