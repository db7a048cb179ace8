/**
 * Public attendance events: our own JSON schemas in a CloudEvents 1.0 envelope, on the JetStream
 * streams ATTENDANCE (attendance.>) and DIRECTORY (directory.>). The subject is the event type without its `edu.classconnect.` prefix.
 * A published type is never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { RejectionReasons, RejectionReasonsV2, RejectionReasonsV3, type RejectionReason, type RejectionReasonV2, type RejectionReasonV3 } from './error-codes.js';
import { Id, IsoTime } from './primitives.js';

export const EventSubjects = {
  sessionOpened: 'attendance.session.opened.v1',
  sessionClosed: 'attendance.session.closed.v1',
  checkinVerified: 'attendance.checkin.verified.v1',
  checkinRejected: 'attendance.checkin.rejected.v1',
  markRecorded: 'attendance.mark.recorded.v1',
  reportReady: 'attendance.report.ready.v1',
  /** Like mark.recorded.v1, with status present | late. Published beside v1 (v2 first), for the same check-in. */
  markRecordedV2: 'attendance.mark.recorded.v2',
  /** A teacher (or admin) set a student's status by hand. */
  markChanged: 'attendance.mark.changed.v1',
  /** A report already announced as ready changed (a mark changed by hand after the session closed). */
  reportUpdated: 'attendance.report.updated.v1',
  /**
   * Like checkin.rejected.v1, with the rotating QR code's reasons. Published for every rejection,
   * beside v1 (v2 first); v1 carries the nearest v1 reason (QrReasonInV1).
   */
  checkinRejectedV2: 'attendance.checkin.rejected.v2',
  /**
   * Like checkin.rejected.v2, with device binding's DEVICE_NOT_APPROVED and CHECKIN_WINDOW_CLOSED.
   * Published for every rejection, first, then v2 and v1 with the nearest reason each knows.
   */
  checkinRejectedV3: 'attendance.checkin.rejected.v3',
  // Directory facts, on the stream DIRECTORY (identity-service publishes them).
  /** A student joined or left a course (by hand, by a roster import, or by an admin). */
  enrollmentChanged: 'directory.enrollment.changed.v1',
  /** An account was disabled or enabled again. A disabled account's sockets are ended at once. */
  accountStatusChanged: 'directory.account.status-changed.v1',
  // Device binding (verification-service publishes them, on DIRECTORY).
  /** A student added a passkey that must be approved before it can check in. */
  deviceApprovalRequested: 'directory.device.approval-requested.v1',
  /** A teacher or an admin approved or refused a student's new passkey. */
  deviceDecided: 'directory.device.decided.v1',
  // Check-in flags (anti-cheating signals; a teacher decides)
  /** An accepted check-in shows a sign a teacher should look at. A flag never rejects by itself. */
  checkinFlagged: 'attendance.checkin.flagged.v1',
  // People and courses administration
  /** An admin created an account. */
  accountCreated: 'directory.account.created.v1',
  /** An admin changed an account's name, role or password. */
  accountUpdated: 'directory.account.updated.v1',
  /** An admin created a course, changed its title or term, or set its teachers. */
  courseChanged: 'directory.course.changed.v1',
  // sign-in security
  /** Sign-ins were ended (sign-out, sign-out everywhere, disabled account, stolen refresh token): gateways end their sockets. */
  signInRevoked: 'directory.signin.revoked.v1',
  /** Like session.closed.v1, with every close reason (state-lost). Published first, then v1 with the nearest reason. */
  sessionClosedV2: 'attendance.session.closed.v2',
} as const;
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

export const EventTypePrefix = 'edu.classconnect.';

const Methods = z.array(z.enum(['passkey', 'geofence', 'qr']));

/** A student's attendance in a session. A check-in gives present or late; a teacher may set any of them. */
export const AttendanceStatus = z.enum(['present', 'late', 'excused', 'absent']);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;
/** The closedBy of a session that closed itself (it reached the maximum session length): the nil UUID. */
export const SystemActorId = '00000000-0000-0000-0000-000000000000';

/** Why a session closed: Stop pressed, its maximum length reached, or its live state lost (see SessionClosedV1). */
export const SessionCloseReasons = ['stopped', 'max-length', 'state-lost'] as const;
/** The reasons session.closed.v1 was published with; it never gets another. */
export const SessionCloseReasonsV1 = ['stopped', 'max-length'] as const;
export type SessionCloseReason = (typeof SessionCloseReasons)[number];

export const SessionOpenedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  courseCode: z.string(),
  courseTitle: z.string(),
  teacherId: Id,
  openedAt: IsoTime,
  radiusM: z.number(),
  /** Everyone enrolled when the session opened: the report's denominator. */
  enrolledStudentIds: z.array(Id),
  /** Added later, optional: present when the session uses rotating QR codes. */
  qr: z.object({ mode: z.enum(['offered', 'required']), stepSeconds: z.number().int() }).optional(),
  /** Added later, optional: the room the session was started from (its name, never its coordinates). */
  room: z.object({ id: Id, name: z.string(), building: z.string().optional() }).optional(),
});
export const SessionClosedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  closedAt: IsoTime,
  /** Who pressed Stop; the nil UUID (SystemActorId) when the session closed itself. */
  closedBy: Id,
  /** Everyone marked present when the session closed: the report waits until it has each mark. */
  presentStudentIds: z.array(Id),
  /**
   * Added later, optional: why it closed. Absent on events from before it was added (they were all
   * `stopped`). Frozen: reasons added since are in session.closed.v2, and v1 carries the nearest
   * one it knows (`state-lost` → `max-length`: closed by the system).
   */
  closeReason: z.enum(SessionCloseReasonsV1).optional(),
});
/**
 * The same fact as session.closed.v1, with every reason: `state-lost` means the live session store
 * (Redis) came back empty while the session was open, so it could take no more check-ins; closedBy
 * is the nil UUID and presentStudentIds lists every mark already in the stream. Published first,
 * then v1. Read a reason you do not know as a close by the system.
 */
export const SessionClosedV2 = SessionClosedV1.extend({ closeReason: z.enum(SessionCloseReasons) });

/** The reason session.closed.v1 carries for each reason: the nearest one it knows. */
export function closeReasonInV1(reason: SessionCloseReason): (typeof SessionCloseReasonsV1)[number] {
  return reason === 'state-lost' ? 'max-length' : reason;
}
export const CheckinVerifiedV1 = z.object({
  submissionId: z.string(),
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  distanceM: z.number(),
  accuracyM: z.number(),
  methods: Methods,
  verifiedAt: IsoTime,
});
export const CheckinRejectedV1 = z.object({
  submissionId: z.string(),
  sessionId: Id,
  courseId: Id.optional(),
  studentId: Id,
  reason: z.enum(RejectionReasons),
  message: z.string(),
  distanceM: z.number().optional(),
  accuracyM: z.number().optional(),
  rejectedAt: IsoTime,
});
export const CheckinRejectedV2 = CheckinRejectedV1.extend({ reason: z.enum(RejectionReasonsV2) });
export const CheckinRejectedV3 = CheckinRejectedV1.extend({ reason: z.enum(RejectionReasonsV3) });

/** What checkin.rejected.v2 says for a v3-only reason (its `message` still says what happened). */
export const V3ReasonInV2 = {
  // a passkey that may not check in yet reads, in v2, like one that is not registered
  DEVICE_NOT_APPROVED: 'UNKNOWN_CREDENTIAL',
  // the check-in window had passed: v2 says the session is not open (for check-ins)
  CHECKIN_WINDOW_CLOSED: 'SESSION_NOT_OPEN',
} as const satisfies Record<Exclude<RejectionReasonV3, RejectionReasonV2>, RejectionReasonV2>;

/** The reason checkin.rejected.v2 carries for a v3 reason. */
export function rejectionReasonV2(reason: RejectionReasonV3): RejectionReasonV2 {
  return reason in V3ReasonInV2 ? V3ReasonInV2[reason as keyof typeof V3ReasonInV2] : (reason as RejectionReasonV2);
}

/**
 * What checkin.rejected.v1 says for a v2-only reason (its `message` still says what happened):
 * a code that expired or was never shown is like a challenge not found, another session's is like
 * a challenge issued for another session.
 */
export const QrReasonInV1 = {
  QR_REQUIRED: 'CHALLENGE_NOT_FOUND',
  QR_EXPIRED: 'CHALLENGE_NOT_FOUND',
  QR_INVALID: 'CHALLENGE_NOT_FOUND',
  RATE_LIMITED: 'CHALLENGE_NOT_FOUND',
  QR_WRONG_SESSION: 'CHALLENGE_MISMATCH',
  // device binding: a passkey that may not check in yet reads, in v1, like one that is not registered
  DEVICE_NOT_APPROVED: 'UNKNOWN_CREDENTIAL',
  // Check-in flags feature: the window-closed verdict keeps v1's SESSION_NOT_OPEN.
  CHECKIN_WINDOW_CLOSED: 'SESSION_NOT_OPEN',
} as const satisfies Record<Exclude<RejectionReasonV3, RejectionReason>, RejectionReason>;

/** The reason checkin.rejected.v1 carries for a v2 or v3 reason. */
export function rejectionReasonV1(reason: RejectionReasonV3): RejectionReason {
  return (RejectionReasons as readonly string[]).includes(reason) ? (reason as RejectionReason) : QrReasonInV1[reason as keyof typeof QrReasonInV1];
}

export const MarkRecordedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  status: z.enum(['present']),
  source: z.enum(['checkin']),
  submissionId: z.string(),
  distanceM: z.number(),
  accuracyM: z.number(),
  methods: Methods,
  markedAt: IsoTime,
});
export const MarkRecordedV2 = MarkRecordedV1.extend({
  /** `late` when the check-in was verified more than the session's lateAfterMinutes after it opened. */
  status: z.enum(['present', 'late']),
});

export const MarkChangedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  status: AttendanceStatus,
  /** The status before this change: from the previous change, else the check-in (present/late), else absent. */
  previousStatus: AttendanceStatus,
  reason: z.string().min(1).max(500),
  changedBy: Id,
  changedAt: IsoTime,
  /** 1, 2, 3, … per (session, student): the highest is the current status. */
  sequence: z.number().int().positive(),
});

/**
 * A report built before every event it waits for had arrived: once `REPORT_MARK_WAIT_MS` has passed
 * after the close, the report is built with what is there and says so. It is rebuilt (report.updated)
 * as the missing events arrive, late or replayed, and this goes away once nothing is missing.
 */
export const ReportIncomplete = z.object({
  /** EVENTS_MISSING: the wait after the close ran out before the events below arrived. */
  reason: z.enum(['EVENTS_MISSING']),
  /** Students the close lists as present whose check-in had not arrived: counted present, without time or proof. */
  missingStudentIds: z.array(Id),
  /** The session's opening had not arrived: the enrolled students who did not check in are not in the report yet. */
  openedMissing: z.boolean(),
});
export type ReportIncomplete = z.infer<typeof ReportIncomplete>;

export const ReportUpdatedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  /** Students in the room: present + late. */
  presentCount: z.number().int(),
  /** Students not in the room: absent + excused. */
  absentCount: z.number().int(),
  counts: z.object({ present: z.number().int(), late: z.number().int(), excused: z.number().int(), absent: z.number().int() }),
  /** 1 for the first update after report.ready, then 2, 3, … */
  revision: z.number().int().positive(),
  updatedAt: IsoTime,
  /** Present while this revision is still built without some events; absent once the report is complete. */
  incomplete: ReportIncomplete.optional(),
});

export const ReportReadyV1 = z.object({
  sessionId: Id,
  courseId: Id,
  presentCount: z.number().int(),
  absentCount: z.number().int(),
  readyAt: IsoTime,
  /** Present when the report was built without some events it waited for; report.updated follows as they arrive. */
  incomplete: ReportIncomplete.optional(),
});

export const EnrollmentChangedV1 = z.object({
  courseId: Id,
  studentId: Id,
  change: z.enum(['added', 'removed']),
  /** How it happened: one change by hand, or a line of a roster import. */
  via: z.enum(['manual', 'import']),
  /** Who made the change (an admin or one of the course's teachers). */
  changedBy: Id,
  changedAt: IsoTime,
});

export const AccountStatusChangedV1 = z.object({
  userId: Id,
  disabled: z.boolean(),
  changedBy: Id,
  changedAt: IsoTime,
});

// Device binding
export const DeviceApprovalRequestedV1 = z.object({
  credentialId: z.string().min(1).max(1024),
  studentId: Id,
  deviceName: z.string(),
  requestedAt: IsoTime,
  /** The courses the student attends: their teachers may approve (and are told live). */
  courseIds: z.array(Id),
});

export const DeviceDecidedV1 = z.object({
  credentialId: z.string().min(1).max(1024),
  studentId: Id,
  decision: z.enum(['approved', 'denied']),
  deviceName: z.string(),
  /** The teacher or admin who decided. */
  changedBy: Id,
  changedAt: IsoTime,
  courseIds: z.array(Id),
});

// ---------- check-in flags ----------
/**
 * Signs that an accepted check-in may not be what it seems. A new code needs a new event version.
 * - ACCURACY_ZERO: the position was reported with an accuracy of exactly 0 m (spoofing tools do that; devices do not).
 * - IDENTICAL_POSITION: exactly the same coordinates as another student of the session.
 * - IMPOSSIBLE_TRAVEL: the student's previous check-in, in another session, was too far away for the time between them.
 * - SHARED_DEVICE: another student of the session checked in from the same device within seconds.
 * - CONCURRENT_USE: the account was used from another device within seconds of this check-in.
 */
export const CheckinFlagCodes = ['ACCURACY_ZERO', 'IDENTICAL_POSITION', 'IMPOSSIBLE_TRAVEL', 'SHARED_DEVICE', 'CONCURRENT_USE'] as const;
export const CheckinFlagCode = z.enum(CheckinFlagCodes);
export type CheckinFlagCode = z.infer<typeof CheckinFlagCode>;
/** One flag: a code and a sentence for the teacher. Never a coordinate. */
export const CheckinFlag = z.object({ code: CheckinFlagCode, detail: z.string().min(1).max(500) });
export type CheckinFlag = z.infer<typeof CheckinFlag>;
/**
 * Flags found for one accepted check-in. A flag found later (a second student at the same
 * coordinates) flags the earlier check-in with an event of its own: consumers keep the union per
 * (submissionId, code).
 */
export const CheckinFlaggedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  submissionId: z.string(),
  flags: z.array(CheckinFlag).min(1),
  flaggedAt: IsoTime,
});

// People and courses administration
export const AccountCreatedV1 = z.object({
  userId: Id,
  email: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'teacher', 'student']),
  /** False when the account signs in with single sign-on or a passkey only. */
  hasPassword: z.boolean(),
  changedBy: Id,
  changedAt: IsoTime,
});

export const AccountUpdatedV1 = z.object({
  userId: Id,
  /** The new values of what changed; `passwordChanged` says a new password was set (never the password). */
  changes: z.object({
    name: z.string().optional(),
    role: z.enum(['admin', 'teacher', 'student']).optional(),
    passwordChanged: z.literal(true).optional(),
  }),
  changedBy: Id,
  changedAt: IsoTime,
});

export const CourseChangedV1 = z.object({
  courseId: Id,
  change: z.enum(['created', 'updated', 'teachers-set']),
  /** The course as it is after the change. */
  code: z.string(),
  title: z.string(),
  term: z.string().nullable(),
  teacherIds: z.array(Id),
  changedBy: Id,
  changedAt: IsoTime,
});

/** Why sign-ins were ended; the gateway tells the client (auth:revoked) in these words. */
export const SignInRevokedReason = z.enum(['signed-out', 'signed-out-everywhere', 'account-disabled', 'refresh-token-reused']);
export type SignInRevokedReason = z.infer<typeof SignInRevokedReason>;
export const SignInRevokedV1 = z.object({
  userId: Id,
  /** The ended sign-ins (the `sid` of their access tokens). */
  signInIds: z.array(Id),
  /** true: every sign-in of the user up to revokedAt ended, including access tokens without a `sid`. */
  everywhere: z.boolean(),
  reason: SignInRevokedReason,
  revokedAt: IsoTime,
});

export const EventSchemas = {
  [EventSubjects.sessionOpened]: SessionOpenedV1,
  [EventSubjects.sessionClosed]: SessionClosedV1,
  [EventSubjects.sessionClosedV2]: SessionClosedV2,
  [EventSubjects.checkinVerified]: CheckinVerifiedV1,
  [EventSubjects.checkinRejected]: CheckinRejectedV1,
  [EventSubjects.markRecorded]: MarkRecordedV1,
  [EventSubjects.reportReady]: ReportReadyV1,
  [EventSubjects.markRecordedV2]: MarkRecordedV2,
  [EventSubjects.markChanged]: MarkChangedV1,
  [EventSubjects.reportUpdated]: ReportUpdatedV1,
  [EventSubjects.checkinRejectedV2]: CheckinRejectedV2,
  [EventSubjects.checkinRejectedV3]: CheckinRejectedV3,
  [EventSubjects.enrollmentChanged]: EnrollmentChangedV1,
  [EventSubjects.accountStatusChanged]: AccountStatusChangedV1,
  [EventSubjects.deviceApprovalRequested]: DeviceApprovalRequestedV1,
  [EventSubjects.deviceDecided]: DeviceDecidedV1,
  [EventSubjects.checkinFlagged]: CheckinFlaggedV1,
  // People and courses administration
  [EventSubjects.accountCreated]: AccountCreatedV1,
  [EventSubjects.accountUpdated]: AccountUpdatedV1,
  [EventSubjects.courseChanged]: CourseChangedV1,
  [EventSubjects.signInRevoked]: SignInRevokedV1,
} as const satisfies Record<EventSubject, z.ZodType>;

export type EventData<S extends EventSubject> = z.infer<(typeof EventSchemas)[S]>;

/** CloudEvents 1.0, structured JSON mode. */
export interface CloudEvent<S extends EventSubject = EventSubject> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension attribute: the id that ties this event to the request that caused it. */
  correlationid?: string;
  data: EventData<S>;
}

export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().startsWith(EventTypePrefix),
  subject: z.string().optional(),
  time: IsoTime,
  datacontenttype: z.literal('application/json'),
  correlationid: z.string().optional(),
  data: z.unknown(),
});

export function eventTypeOf(subject: EventSubject): string {
  return EventTypePrefix + subject;
}
