/**
 * Request/reply messages between the gateway and the services (NATS core, queue groups).
 * Every request carries the actor the gateway authenticated; services check permissions again.
 */
import { z } from 'zod';
import { AttendanceStatus, type CheckinFlag, type ReportIncomplete, type SessionCloseReason } from './events.js';
import { Actor, ControlCharacter, Email, HumanText, Id, IsoTime, LoneSurrogate, Position, RadiusM, Role, TextWithoutNul } from './primitives.js';
import { AuthenticationResponse, RegistrationResponse, type AuthenticationOptions, type RegistrationOptions } from './webauthn.js';
import type { CheckinResult } from './socket.js';

// ---------- identity-service ----------
/** A password as typed at sign-in: any character but NUL (an old password is never judged by today's rules). */
export const Password = TextWithoutNul({ max: 1_024 });
export const SignInRequest = z.object({ email: Email, password: Password }).strict();
export type SignInRequest = z.infer<typeof SignInRequest>;
export const UserSummary = z.object({ id: Id, email: z.string(), name: z.string(), role: Role });
export type UserSummary = z.infer<typeof UserSummary>;
export interface SignInReply {
  accessToken: string;
  expiresAt: string;
  user: UserSummary;
  /** Added later (sign-in security): an opaque refresh token for POST /api/auth/refresh, spent on use. */
  refreshToken?: string;
  /** When the refresh token expires if it is not used (30 days idle by default). */
  refreshExpiresAt?: string;
  /** This sign-in's id (the access token's `sid` claim): what sign-out revokes. */
  signInId?: string;
}

export const CoursesOfRequest = z.object({ userId: Id }).strict();
export interface CourseSummary {
  id: string;
  code: string;
  title: string;
  /** The user's relation to the course. */
  relation: 'teacher' | 'student';
}
export interface CoursesOfReply {
  courses: CourseSummary[];
}

export const CourseRequest = z.object({ courseId: Id }).strict();
export interface CourseReply {
  id: string;
  code: string;
  title: string;
  teacherIds: string[];
}
export interface RosterReply {
  courseId: string;
  students: { id: string; name: string; email: string }[];
}

export const UsersRequest = z.object({ userIds: z.array(Id).max(10_000) }).strict();
export interface UsersReply {
  users: UserSummary[];
}

// ---------- session-service ----------
export const LateAfterMinutes = z.number().int().min(0).max(240);
export const WindowMinutes = z.number().int().min(1).max(600);

/** Rotating QR codes: off, offered (a scanned code is checked and counted as proof), or required. */
export const QrMode = z.enum(['off', 'offered', 'required']);
export type QrMode = z.infer<typeof QrMode>;
export const QrOptions = z
  .object({
    mode: QrMode,
    /** How long each code is shown; a code is accepted during its own step and the next one. */
    stepSeconds: z.number().int().min(5).max(30).default(10),
  })
  .strict();
export type QrOptions = z.infer<typeof QrOptions>;
/** What a student sends: the token from the QR code's URL, or the 6-character short code typed by hand. */
export const QrCodeInput = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.\- ]+$/, 'must be the code from the QR code or the short code');
export const StartSessionRequest = z
  .object({
    actor: Actor,
    courseId: Id,
    /** The fence's centre: the teacher's device position (or give roomId instead). */
    position: Position.optional(),
    /** Default: the room's default radius when started from a room, else 100 m. */
    radiusM: RadiusM.optional(),
    /** A check-in verified more than this many minutes after the start is marked late. */
    lateAfterMinutes: LateAfterMinutes.default(10),
    /** Check-ins are accepted for this many minutes after the start (default: until Stop or the maximum session length). */
    windowMinutes: WindowMinutes.optional(),
    /** Rotating QR codes for this session (default: off). */
    qr: QrOptions.optional(),
    /** Start from a room: its stored coordinates are the fence's centre (instead of position). */
    roomId: Id.optional(),
  })
  .strict()
  .superRefine(exactlyOnePlace);
export type StartSessionRequest = z.infer<typeof StartSessionRequest>;

/** session:start takes the fence's centre from the device (position) or from a room (roomId): exactly one. */
export function exactlyOnePlace(v: { position?: unknown; roomId?: unknown }, ctx: z.RefinementCtx): void {
  if ((v.position === undefined) === (v.roomId === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['roomId'], message: 'Give either position (this device’s) or roomId (a room’s), not both and not neither' });
  }
}

/** What anyone in the course may see of a session: never the fence's centre. */
export interface SessionView {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  teacherId: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  /** Added later, on a closed session: why it closed (`state-lost`: the live session store came back empty). */
  closeReason?: SessionCloseReason;
  radiusM: number;
  enrolledCount: number;
  /** Students with an accepted check-in (manual marks are not counted here: see the roster and the report). */
  presentCount: number;
  /** A check-in verified later than this many minutes after openedAt is marked late. */
  lateAfterMinutes?: number;
  /** When check-ins stop being accepted (the window, or the maximum session length, whichever is first). */
  checkinClosesAt?: string;
  /** When the session closes itself if nobody stops it (the maximum session length). */
  autoCloseAt?: string;
  /** Present when the session uses rotating QR codes (mode offered or required). */
  qr?: { mode: 'offered' | 'required'; stepSeconds: number };
  /** Present when the session was started from a room (its coordinates are never sent). */
  room?: { id: string; name: string; building?: string };
}

export const SessionRefRequest = z.object({ actor: Actor, sessionId: Id }).strict();
export type SessionRefRequest = z.infer<typeof SessionRefRequest>;

export const ActiveSessionsRequest = z.object({ actor: Actor }).strict();
export interface ActiveSessionsReply {
  sessions: SessionView[];
}

/** The live roster, for the session's teacher. */
export interface RosterEntry {
  studentId: string;
  name: string;
  /** Whether the student checked in (proof of presence). */
  state: 'present' | 'absent';
  markedAt?: string;
  distanceM?: number;
  /** The current status: a teacher's change if any, else the check-in's (present / late), else absent. */
  status?: AttendanceStatus;
  /** The latest change by hand, when there is one. */
  override?: MarkOverride;
}

/** A status set by hand, kept beside the check-in's own proof. */
export interface MarkOverride {
  status: AttendanceStatus;
  reason: string;
  /** The user id of the teacher or admin who set it. */
  by: string;
  at: string;
}
export interface SessionDetailReply extends SessionView {
  roster?: RosterEntry[];
}

/** Internal: what verification needs to decide a check-in. Never exposed through the gateway. */
export const CheckinContextRequest = z.object({ sessionId: Id, studentId: Id }).strict();
export interface CheckinContextReply {
  sessionId: string;
  courseId: string;
  status: 'open' | 'closed';
  enrolled: boolean;
  alreadyPresent: boolean;
  fence: { latitude: number; longitude: number; radiusM: number };
  /** True while the session is open but its check-in window has passed. */
  windowClosed?: boolean;
  /** Present when the session uses rotating QR codes. */
  qrMode?: 'offered' | 'required';
}

/** The code the teacher's screen shows now. The secret it is made from never leaves session-service. */
export const QrCodeRequest = z.object({ actor: Actor, sessionId: Id }).strict();
export type QrCodeRequest = z.infer<typeof QrCodeRequest>;
export interface QrCodeReply {
  sessionId: string;
  mode: 'offered' | 'required';
  /** Goes into the QR code's URL. */
  token: string;
  /** 6 characters (no 0, O, 1 or I) to type when a camera fails; same rotation as the token. */
  shortCode: string;
  stepSeconds: number;
  /** When the next code replaces this one (this one is still accepted for one more step). */
  expiresAt: string;
}

/**
 * Internal (verification → session): is this code valid for this session at `at` (when the gateway
 * queued the check-in)? Failed attempts count against the student (a few per minute per session).
 */
export const VerifyQrRequest = z.object({ sessionId: Id, studentId: Id, code: QrCodeInput, at: IsoTime }).strict();
export type VerifyQrRequest = z.infer<typeof VerifyQrRequest>;
export interface VerifyQrReply {
  result: 'valid' | 'expired' | 'wrong-session' | 'invalid' | 'throttled' | 'not-enabled';
}

/** Internal: record a verified student as present. Idempotent on (sessionId, studentId). */
export const RecordMarkRequest = z
  .object({
    sessionId: Id,
    studentId: Id,
    submissionId: z.string().min(1).max(128),
    distanceM: z.number().finite().min(0),
    accuracyM: z.number().finite().min(0),
    methods: z.array(z.enum(['passkey', 'geofence', 'qr'])).min(1),
    verifiedAt: IsoTime,
  })
  .strict();
export type RecordMarkRequest = z.infer<typeof RecordMarkRequest>;
export interface RecordMarkReply {
  /** true when this submission is the one that marked the student (also on a retry of it). */
  recorded: boolean;
  /** When recorded is false: the student was already marked by another submission. */
  alreadyPresent: boolean;
  /** When recorded: the mark's status (late after the session's threshold). */
  status?: 'present' | 'late';
}

/** Why a status was set by hand: a note, so it may run over several lines. */
export const MarkReason = HumanText({ max: 500, multiline: true });
/** A teacher or admin sets a student's status by hand, during the session or after it (while its live state is kept: 7 days). */
export const MarkAttendanceRequest = z
  .object({
    actor: Actor,
    sessionId: Id,
    studentId: Id,
    status: AttendanceStatus,
    reason: MarkReason,
  })
  .strict();
export type MarkAttendanceRequest = z.infer<typeof MarkAttendanceRequest>;
export interface MarkChangeReply {
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  previousStatus: AttendanceStatus;
  reason: string;
  changedBy: string;
  changedAt: string;
  sequence: number;
}

// ---------- verification-service ----------
export const ActorRequest = z.object({ actor: Actor }).strict();
export type ActorRequest = z.infer<typeof ActorRequest>;
export type RegistrationOptionsReply = RegistrationOptions;
/** What the student calls a passkey's device ("Ada's phone"), shown to the teachers who approve it. */
export const DeviceName = HumanText({ max: 64 });
export const VerifyRegistrationRequest = z
  .object({ actor: Actor, response: RegistrationResponse, deviceName: DeviceName.optional() })
  .strict();
export type VerifyRegistrationRequest = z.infer<typeof VerifyRegistrationRequest>;
export interface VerifyRegistrationReply {
  credentialId: string;
  deviceName: string;
  createdAt: string;
  /** Added later: `pending` when the passkey waits for a teacher's approval before it can check in. */
  status?: PasskeyStatus;
}
export interface PasskeysReply {
  /** `status` added later (absent from older services: approved). */
  passkeys: { credentialId: string; deviceName: string; createdAt: string; lastUsedAt?: string; status?: PasskeyStatus }[];
}

export const IssueChallengeRequest = z
  .object({
    actor: Actor,
    sessionId: Id,
    /** Check-in flags: the gateway's keyed hash of the connection's client signals (never the signals themselves). */
    deviceFingerprint: z.string().min(1).max(64).optional(),
  })
  .strict();
export type IssueChallengeRequest = z.infer<typeof IssueChallengeRequest>;
export interface IssueChallengeReply {
  sessionId: string;
  options: AuthenticationOptions;
  expiresAt: string;
}

/** Internal (gateway → verification): the verdict already given to one of this student's submissions, if any. */
export const VerdictLookupRequest = z.object({ studentId: Id, submissionId: z.string().min(1).max(128) }).strict();
export interface VerdictLookupReply {
  result: CheckinResult | null;
}

/**
 * A check-in as the gateway durably submits it (JetStream work queue CHECKIN_INTAKE).
 * It holds the raw position, so it lives only until verification has decided.
 */
export const CheckinSubmission = z
  .object({
    submissionId: z.string().min(1).max(128),
    sessionId: Id,
    studentId: Id,
    assertion: AuthenticationResponse,
    position: Position,
    submittedAt: IsoTime,
    connectionId: z.string().max(128).optional(),
    /** The rotating QR code's token or short code, when the student gave one. */
    qr: QrCodeInput.optional(),
    /** Check-in flags: the gateway's keyed hash of the connection's client signals (device id, else IP and user agent). */
    deviceFingerprint: z.string().min(1).max(64).optional(),
  })
  .strict();
export type CheckinSubmission = z.infer<typeof CheckinSubmission>;

// ---------- report-service ----------
export interface ReportRow {
  studentId: string;
  name: string;
  email: string;
  /** present / absent, and since manual marking also late / excused. */
  status: AttendanceStatus;
  /** The original proof of an accepted check-in, kept when a teacher changes the status. */
  checkedInAt?: string;
  distanceM?: number;
  accuracyM?: number;
  methods?: string[];
  /** The last rejection's reason, for students who tried and were refused. */
  lastRejection?: string;
  /** The status the check-in gave (present / late), when there was one and a teacher changed it. */
  checkinStatus?: 'present' | 'late';
  /** The latest change by hand, with its reason: the row's status is this one's. */
  override?: MarkOverride;
  /** Check-in flags on the student's accepted check-in (signals for the teacher; they reject nothing). */
  flags?: CheckinFlag[];
}
export interface ReportReply {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  openedAt: string;
  closedAt: string;
  /** present + late */
  presentCount: number;
  /** absent + excused */
  absentCount: number;
  /** How many rows have each status. */
  counts?: Record<AttendanceStatus, number>;
  /** 0 as first built; +1 for each change by hand applied after that. */
  revision?: number;
  rows: ReportRow[];
  /** Present once the retention period removed the detailed evidence (distances, methods, rejections): statuses and changes stay. */
  evidenceRemoved?: true;
  evidenceRemovedAt?: string;
  /** Present while the report was built without some events it waited for; a `report:updated` follows as they arrive. */
  incomplete?: ReportIncomplete;
}

// ---------- report-service: history ----------
/**
 * Attendance rate of a student in a course: (present + late) / the closed sessions of the course
 * whose report lists the student (they were enrolled when the session opened, or checked in).
 * Excused counts as not attended. null when no such session exists yet.
 */
export type AttendanceRate = number | null;

export const CourseHistoryRequest = z.object({ actor: Actor, courseId: Id }).strict();
export type CourseHistoryRequest = z.infer<typeof CourseHistoryRequest>;

/** One closed session of a course, as its built report stands now (marks by hand after Stop included). */
export interface HistorySession {
  sessionId: string;
  /** Absent when the report was built without the session's open event. */
  openedAt?: string;
  closedAt: string;
  /** Rows of the report per status. */
  counts: Record<AttendanceStatus, number>;
  /** Rows in the report: the students enrolled when it opened (plus anyone marked present). */
  listed: number;
}

/** One student's attendance over a course's closed sessions. */
export interface StudentHistory {
  studentId: string;
  name: string;
  email: string;
  /** Enrolled in the course now (false: listed in past reports only). */
  enrolled: boolean;
  /** Closed sessions whose report lists the student: the rate's denominator. */
  sessions: number;
  counts: Record<AttendanceStatus, number>;
  rate: AttendanceRate;
}

export interface CourseHistoryReply {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  /** Every closed session with a built report, newest first. */
  sessions: HistorySession[];
  /** Students enrolled now and anyone listed in a past report, sorted by name. */
  students: StudentHistory[];
}

export const MyHistoryRequest = z.object({ actor: Actor }).strict();
export type MyHistoryRequest = z.infer<typeof MyHistoryRequest>;

/** A closed session of one of the student's courses, with the student's own status in it. */
export interface MySessionEntry {
  sessionId: string;
  openedAt?: string;
  closedAt: string;
  status: AttendanceStatus;
  /** true when a teacher set this status by hand. */
  changedByHand: boolean;
}

export interface MyCourseHistory {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  /** Newest first; only sessions whose report lists the student. */
  sessions: MySessionEntry[];
  counts: Record<AttendanceStatus, number>;
  rate: AttendanceRate;
}

export interface MyHistoryReply {
  /** The courses the user attends now (as identity-service says), in its order. */
  courses: MyCourseHistory[];
}

// ---------- device binding and own records (verification-service, report-service) ----------
/** A passkey's standing: only `approved` ones check in. */
export type PasskeyStatus = 'approved' | 'pending' | 'denied';
/** A WebAuthn credential id (base64url). */
export const CredentialId = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a passkey id (base64url)');

export const PasskeyRefRequest = z.object({ actor: Actor, credentialId: CredentialId }).strict();
export type PasskeyRefRequest = z.infer<typeof PasskeyRefRequest>;
export interface PasskeyRemovedReply {
  credentialId: string;
  removed: true;
}

export const DeviceDecisionRequest = z.object({ actor: Actor, credentialId: CredentialId, decision: z.enum(['approved', 'denied']) }).strict();
export type DeviceDecisionRequest = z.infer<typeof DeviceDecisionRequest>;

/** A student's passkey waiting for approval, as a teacher or an admin sees it. */
export interface PendingDevice {
  credentialId: string;
  studentId: string;
  studentName: string;
  studentEmail: string;
  deviceName: string;
  requestedAt: string;
  /** Codes of the courses through which the asker may decide (a teacher's own courses the student attends). */
  courseCodes: string[];
}
export interface PendingDevicesReply {
  devices: PendingDevice[];
}
export interface DeviceDecisionReply {
  credentialId: string;
  studentId: string;
  status: 'approved' | 'denied';
  decidedBy: string;
  decidedAt: string;
}

export const MyRecordsRequest = z.object({ actor: Actor }).strict();
export type MyRecordsRequest = z.infer<typeof MyRecordsRequest>;
/** One closed session as the student's own record: status, times, proof (while kept), changes by hand. */
export interface MyRecord {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  sessionId: string;
  openedAt?: string;
  closedAt: string;
  status: AttendanceStatus;
  checkedInAt?: string;
  /** What the check-in gave, when a teacher changed the status afterwards. */
  checkinStatus?: 'present' | 'late';
  /** How presence was proven; absent once the evidence was removed (evidenceRemoved). */
  methods?: string[];
  distanceM?: number;
  accuracyM?: number;
  lastRejection?: string;
  override?: MarkOverride;
  /** The detailed evidence of this session was removed after the retention period: only the status remains. */
  evidenceRemoved: boolean;
}
export interface MyRecordsReply {
  studentId: string;
  generatedAt: string;
  /** Every closed session whose report lists the student, newest first. */
  records: MyRecord[];
}

// ---------- check-in flags ----------
/**
 * Internal (verification → session): how far apart the fence centres of two sessions are. Only
 * while both are open (a closed session's centre is gone): otherwise `known` is false.
 */
export const FenceDistanceRequest = z.object({ sessionId: Id, otherSessionId: Id }).strict();
export type FenceDistanceRequest = z.infer<typeof FenceDistanceRequest>;
export interface FenceDistanceReply {
  known: boolean;
  /** Between the two centres, in metres. */
  distanceM?: number;
  /** The two fences' radii added up, in metres. */
  radiiM?: number;
}

/** Check-in flags found so far in a session (live, before the report), for its teachers and administrators. */
export interface SessionFlagsReply {
  sessionId: string;
  students: { studentId: string; flags: CheckinFlag[] }[];
}

// ---------- identity-service: people and courses administration ----------
export const PersonName = HumanText({ max: 200 });
/** A password an admin sets: at least 8 characters (argon2id-hashed; never stored or logged as given). */
export const NewPassword = TextWithoutNul({ min: 8, max: 1_024 });
export const CourseCode = HumanText({ max: 64 });
export const CourseTitle = HumanText({ max: 200 });
export const CourseTerm = HumanText({ max: 64 });

export const CreateUserRequest = z
  .object({ actor: Actor, email: Email, name: PersonName, role: Role, password: NewPassword.optional() })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const ListUsersRequest = z
  .object({
    actor: Actor,
    /** Part of a name or an email, case-insensitive. Teachers must give at least 3 characters. */
    query: HumanText({ min: 0, max: 100 }).optional(),
    role: Role.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type ListUsersRequest = z.infer<typeof ListUsersRequest>;

export const UpdateUserRequest = z
  .object({ actor: Actor, targetUserId: Id, name: PersonName.optional(), role: Role.optional(), password: NewPassword.optional() })
  .strict();
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** An account as an admin sees it (teachers looking up students get the same shape, students only). */
export interface AccountView extends UserSummary {
  disabled: boolean;
  /** False for accounts that sign in with single sign-on or a passkey only. */
  hasPassword: boolean;
  createdAt: string;
}
export interface UserListReply {
  users: AccountView[];
  /** How many accounts match, for paging. */
  total: number;
}

export const CreateCourseRequest = z.object({ actor: Actor, code: CourseCode, title: CourseTitle, term: CourseTerm }).strict();
export type CreateCourseRequest = z.infer<typeof CreateCourseRequest>;
export const UpdateCourseRequest = z
  .object({ actor: Actor, courseId: Id, title: CourseTitle.optional(), term: CourseTerm.optional() })
  .strict();
export type UpdateCourseRequest = z.infer<typeof UpdateCourseRequest>;
export const SetCourseTeachersRequest = z.object({ actor: Actor, courseId: Id, teacherIds: z.array(Id).max(50) }).strict();
export type SetCourseTeachersRequest = z.infer<typeof SetCourseTeachersRequest>;
export const ListCoursesRequest = z.object({ actor: Actor }).strict();

export interface CourseView {
  id: string;
  code: string;
  title: string;
  term: string | null;
  teachers: { id: string; name: string }[];
  studentCount: number;
}
export interface CourseListReply {
  courses: CourseView[];
}

// ---------- identity-service: audit log ----------
export const ListAuditRequest = z
  .object({
    actor: Actor,
    limit: z.number().int().min(1).max(200).default(50),
    /** Paging, newest first: entries with an id below this one (the last id of the previous page). */
    before: z.number().int().positive().optional(),
    /** An event type such as `directory.account.created.v1` or `attendance.session.opened.v1`. */
    action: HumanText({ max: 128 }).optional(),
    actorId: Id.optional(),
    targetId: HumanText({ max: 128 }).optional(),
  })
  .strict();
export type ListAuditRequest = z.infer<typeof ListAuditRequest>;

/** One recorded administrative or teaching action. */
export interface AuditEntry {
  id: number;
  at: string;
  /** Who did it; null when the system did (a session that closed itself). */
  actorId: string | null;
  actorName: string | null;
  /** The event type without its version prefix, e.g. `directory.account.created.v1`. */
  action: string;
  targetType: string;
  targetId: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** Names (of accounts) and codes (of courses) of the ids the entry mentions, as they were when it was recorded. */
  names: Record<string, string>;
}
export interface AuditListReply {
  entries: AuditEntry[];
}

// ---------- identity-service: rooms, enrollments, roster import ----------
/** A room's place: the fence's centre when a session is started from the room. Not personal data. */
export const RoomFields = {
  name: HumanText({ max: 100 }),
  /** Optional: the building, shown beside the name. */
  building: HumanText({ max: 100 }),
  latitude: Position.shape.latitude,
  longitude: Position.shape.longitude,
  defaultRadiusM: RadiusM,
};
export const CreateRoomRequest = z
  .object({ actor: Actor, name: RoomFields.name, building: RoomFields.building.optional(), latitude: RoomFields.latitude, longitude: RoomFields.longitude, defaultRadiusM: RoomFields.defaultRadiusM })
  .strict();
export type CreateRoomRequest = z.infer<typeof CreateRoomRequest>;
/** Only the fields given change; `building: null` removes the building. */
export const UpdateRoomRequest = z
  .object({
    actor: Actor,
    roomId: Id,
    name: RoomFields.name.optional(),
    building: RoomFields.building.nullable().optional(),
    latitude: RoomFields.latitude.optional(),
    longitude: RoomFields.longitude.optional(),
    defaultRadiusM: RoomFields.defaultRadiusM.optional(),
  })
  .strict();
export type UpdateRoomRequest = z.infer<typeof UpdateRoomRequest>;
export const RoomRefRequest = z.object({ actor: Actor, roomId: Id }).strict();
export type RoomRefRequest = z.infer<typeof RoomRefRequest>;
/** Internal (session → identity): a room's place, to start a session from it. */
export const RoomLookupRequest = z.object({ roomId: Id }).strict();
export interface RoomView {
  id: string;
  name: string;
  building?: string;
  latitude: number;
  longitude: number;
  defaultRadiusM: number;
  createdAt: string;
}
export interface RoomsReply {
  rooms: RoomView[];
}
export interface RoomDeletedReply {
  roomId: string;
  deleted: true;
}

/** Enroll a student by email (the account must exist and be a student's). */
export const AddEnrollmentRequest = z
  .object({ actor: Actor, courseId: Id, email: Email })
  .strict();
export type AddEnrollmentRequest = z.infer<typeof AddEnrollmentRequest>;
export const RemoveEnrollmentRequest = z.object({ actor: Actor, courseId: Id, studentId: Id }).strict();
export type RemoveEnrollmentRequest = z.infer<typeof RemoveEnrollmentRequest>;
export interface EnrollmentChangeReply {
  courseId: string;
  student: { id: string; name: string; email: string };
  /** false when the student was already enrolled (add) or not enrolled (remove): nothing changed. */
  changed: boolean;
}
/** The roster of a course, for its teachers and admins. */
export const CourseRosterRequest = z.object({ actor: Actor, courseId: Id }).strict();
export type CourseRosterRequest = z.infer<typeof CourseRosterRequest>;
export interface CourseRosterReply extends RosterReply {
  courseCode: string;
  courseTitle: string;
}

/** The largest roster file accepted (characters): about 15,000 lines. Keeps a socket message under Socket.IO's 1 MB and an RPC under NATS's 1 MiB. */
export const RosterCsvMaxChars = 900_000;
/**
 * A roster file as text. A NUL anywhere refuses the whole file (no spreadsheet writes one: it is
 * a binary file sent by mistake); other control characters are judged cell by cell, as line errors.
 */
export const RosterCsv = TextWithoutNul({ max: RosterCsvMaxChars });
export const RosterImportMode = z.enum(['preview', 'commit']);
export type RosterImportMode = z.infer<typeof RosterImportMode>;
export const RosterImportOptions = z
  .object({
    mode: RosterImportMode,
    /** The course of every line, when the file has no course column. */
    courseId: Id.optional(),
    /** Also remove the students enrolled in the file's courses whom the file does not list. */
    removeMissing: z.boolean().default(false),
  })
  .strict();
export const RosterImportRequest = RosterImportOptions.extend({
  actor: Actor,
  csv: RosterCsv,
}).strict();
export type RosterImportRequest = z.infer<typeof RosterImportRequest>;

/** Why a line of a roster file was not applied. */
export const RosterLineCodes = ['BAD_EMAIL', 'MISSING_NAME', 'UNKNOWN_COURSE', 'DUPLICATE_LINE', 'NOT_A_STUDENT', 'NOT_YOUR_COURSE', 'BAD_TEXT'] as const;
export type RosterLineCode = (typeof RosterLineCodes)[number];
export interface RosterLineError {
  /** The line in the file, counting the header as line 1. */
  line: number;
  code: RosterLineCode;
  /** In English; clients may word it from the code and the fields below instead. */
  message: string;
  /** The line's email, when it has one. */
  email?: string;
  /** The course code the line names (or the chosen course's), when there is one. */
  courseCode?: string;
  /** DUPLICATE_LINE: the earlier line with the same student and course. */
  firstLine?: number;
  /** NOT_A_STUDENT: the account's role. */
  role?: 'admin' | 'teacher';
}
export interface RosterImportSummary {
  /** Lines with a student (the header and blank lines are not counted). */
  lines: number;
  /** Student accounts that did not exist and were (or, in a preview, would be) created. */
  accountsCreated: number;
  /** Enrollments added. */
  enrolled: number;
  /** Lines whose student was already enrolled in the course: nothing to do. */
  alreadyEnrolled: number;
  /** Enrollments removed (removeMissing only). */
  removed: number;
  /** Lines not applied, each listed in `errors`. */
  errorLines: number;
}
export interface RosterImportReply {
  mode: RosterImportMode;
  /** true when the changes were written (commit); a preview writes nothing. */
  committed: boolean;
  /** false when applying the file changes nothing (a re-import of the same file). */
  changes: boolean;
  summary: RosterImportSummary;
  /** A sentence for people, e.g. "Nothing to change: …". */
  message: string;
  /** The courses the file's valid lines name. */
  courses: { id: string; code: string; title: string }[];
  /** Sorted by line; at most 1,000 (summary.errorLines counts them all). */
  errors: RosterLineError[];
}

// ---------- sign-in security (throttling, refresh, sign-out, disabling, passkey and SSO sign-in) ----------
/** Internal (gateway → identity): a password sign-in with the client's address, for throttling. */
export const PasswordSignInRequest = z
  .object({ email: Email, password: Password, clientIp: z.string().max(64).optional() })
  .strict();
export type PasswordSignInRequest = z.infer<typeof PasswordSignInRequest>;
/** An opaque refresh token as handed out by sign-in. */
export const RefreshToken = z.string().min(20).max(200).regex(/^[A-Za-z0-9_.-]+$/, 'must be a refresh token');
export const RefreshRequest = z.object({ refreshToken: RefreshToken }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;
/** HTTP body of POST /api/auth/sign-out. */
export const SignOutBody = z.object({ everywhere: z.boolean().default(false) }).strict();
export const SignOutRequest = z.object({ actor: Actor, signInId: Id.optional(), everywhere: z.boolean() }).strict();
export type SignOutRequest = z.infer<typeof SignOutRequest>;
export interface SignOutReply {
  /** How many sign-ins were ended (0 when this one had already ended). */
  revoked: number;
}
export const SetDisabledRequest = z.object({ actor: Actor, targetUserId: Id, disabled: z.boolean() }).strict();
export type SetDisabledRequest = z.infer<typeof SetDisabledRequest>;
export interface SetDisabledReply {
  userId: string;
  disabled: boolean;
  /** false when the account already had this status (nothing changed, nothing published). */
  changed: boolean;
}
/** Internal (identity → verification): a sign-in challenge; no user is known yet. */
export const EmptyRequest = z.object({}).strict();
export interface PasskeySignInOptionsReply {
  options: AuthenticationOptions;
  expiresAt: string;
}
/** The browser's answer to a sign-in challenge. */
export const PasskeySignInRequest = z.object({ response: AuthenticationResponse }).strict();
export type PasskeySignInRequest = z.infer<typeof PasskeySignInRequest>;
/** verification-service's answer: whose passkey signed the challenge. */
export interface PasskeyAssertionReply {
  userId: string;
  credentialId: string;
}
/** Internal (gateway → identity): begin single sign-on; `browserBinding` is the random value of the browser's cookie. */
export const SsoStartRequest = z.object({ browserBinding: z.string().min(20).max(200) }).strict();
export interface SsoStartReply {
  /** Where to send the browser: the provider's authorization endpoint. */
  url: string;
}
/** Internal (gateway → identity): the provider sent the browser back to the callback with these query parameters. */
export const SsoCallbackRequest = z
  .object({
    // Its parameters (state, code, error) are looked up in the database and shown to the user once decoded.
    query: z.string().max(8_192).refine(decodesToText, 'must not contain control characters once decoded'),
    browserBinding: z.string().max(200).optional(),
  })
  .strict();
function decodesToText(query: string): boolean {
  for (const [key, value] of new URLSearchParams(query)) {
    for (const text of [key, value]) if (ControlCharacter.test(text) || LoneSurrogate.test(text)) return false;
  }
  return true;
}
export interface SsoCallbackReply {
  /** A one-time code the web client exchanges for tokens (POST /api/auth/sso/exchange); valid 2 minutes. */
  code: string;
}
export const SsoExchangeRequest = z.object({ code: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'must be a sign-in code') }).strict();
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequest>;
export interface AuthConfigReply {
  /** Password sign-in is always offered. */
  password: true;
  passkey: true;
  sso: { enabled: false } | { enabled: true; label: string };
}
