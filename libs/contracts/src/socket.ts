/**
 * The Socket.IO protocol between clients (web, mobile) and the gateway. See docs/protocol.md.
 * Every client event is answered with an ack: { ok: true, data } or { ok: false, error: { code, message } }.
 * Event names are never renamed: a changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import type { RejectionReasonV3 } from './error-codes.js';
import type { DeadLetterReplayedV1, DeadLetterSummary } from './dead-letters.js';
import { AttendanceStatus, type CheckinFlag, type ReportIncomplete, type SessionCloseReason, type SignInRevokedReason } from './events.js';
import { CredentialId, DeviceName, LateAfterMinutes, MarkReason, RosterCsv, QrCodeInput, QrOptions, RosterImportOptions, RoomFields, WindowMinutes, exactlyOnePlace } from './messages.js';
import { Email, Id, Position, RadiusM } from './primitives.js';
import { AuthenticationResponse, RegistrationResponse } from './webauthn.js';
import type * as M from './messages.js';
// People and courses administration, audit log
import { CreateCourseRequest, CreateUserRequest, ListAuditRequest, ListUsersRequest, SetCourseTeachersRequest, UpdateCourseRequest, UpdateUserRequest } from './messages.js';

export const ClientEvents = {
  sessionStart: 'session:start',
  sessionStop: 'session:stop',
  sessionGet: 'session:get',
  sessionsActive: 'sessions:active',
  passkeyOptions: 'passkey:options',
  passkeyRegister: 'passkey:register',
  passkeyList: 'passkey:list',
  checkinBegin: 'checkin:begin',
  checkinSubmit: 'checkin:submit',
  reportGet: 'report:get',
  whoami: 'me:get',
  attendanceMark: 'attendance:mark',
  historyCourse: 'history:course',
  historyMine: 'history:mine',
  sessionQr: 'session:qr',
  // device binding
  passkeyRemove: 'passkey:remove',
  devicesPending: 'device:pending',
  deviceApprove: 'device:approve',
  deviceDeny: 'device:deny',
  // Check-in flags
  flagsGet: 'flags:get',
  // People and courses administration, audit log (apps/gateway/src/admin)
  userCreate: 'user:create',
  userList: 'user:list',
  userUpdate: 'user:update',
  courseCreate: 'course:create',
  courseUpdate: 'course:update',
  courseTeachersSet: 'course:teachers:set',
  courseList: 'course:list',
  auditList: 'audit:list',
  // Rooms, enrollments and roster import
  roomCreate: 'room:create',
  roomUpdate: 'room:update',
  roomList: 'room:list',
  roomDelete: 'room:delete',
  enrollmentAdd: 'enrollment:add',
  enrollmentRemove: 'enrollment:remove',
  courseRoster: 'course:roster',
  rosterImport: 'roster:import',
  // sign-in security
  userSetDisabled: 'user:set-disabled',
  // Operations: messages a consumer set aside (apps/gateway/src/operations)
  deadLetterList: 'deadletter:list',
  deadLetterReplay: 'deadletter:replay',
} as const;
export type ClientEvent = (typeof ClientEvents)[keyof typeof ClientEvents];

const Empty = z.object({}).strict();

export const ClientPayloads = {
  [ClientEvents.sessionStart]: z
    .object({
      courseId: Id,
      /** The device's position, or give roomId instead (exactly one of them). */
      position: Position.optional(),
      /** Default: the room's default radius when started from a room, else 100 m. */
      radiusM: RadiusM.optional(),
      lateAfterMinutes: LateAfterMinutes.default(10),
      windowMinutes: WindowMinutes.optional(),
      qr: QrOptions.optional(),
      roomId: Id.optional(),
    })
    .strict()
    .superRefine(exactlyOnePlace),
  [ClientEvents.sessionStop]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.sessionGet]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.sessionsActive]: Empty,
  [ClientEvents.passkeyOptions]: Empty,
  [ClientEvents.passkeyRegister]: z
    .object({ response: RegistrationResponse, deviceName: DeviceName.optional() })
    .strict(),
  [ClientEvents.passkeyList]: Empty,
  [ClientEvents.checkinBegin]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.checkinSubmit]: z
    .object({
      sessionId: Id,
      assertion: AuthenticationResponse,
      position: Position,
      /** A UUID the client makes once per check-in attempt and reuses on every retry of it. */
      idempotencyKey: z.string().uuid(),
      /** The rotating QR code's token (from the scanned URL) or its short code; required when the session's QR mode is required. */
      qr: QrCodeInput.optional(),
    })
    .strict(),
  [ClientEvents.reportGet]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.whoami]: Empty,
  /** The student is the target, not the actor: hence `targetStudentId` (a `studentId` field is refused as IDENTITY_MISMATCH everywhere). */
  [ClientEvents.attendanceMark]: z
    .object({ sessionId: Id, targetStudentId: Id, status: AttendanceStatus, reason: MarkReason })
    .strict(),
  [ClientEvents.historyCourse]: z.object({ courseId: Id }).strict(),
  [ClientEvents.historyMine]: Empty,
  [ClientEvents.sessionQr]: z.object({ sessionId: Id }).strict(),
  // device binding
  [ClientEvents.passkeyRemove]: z.object({ credentialId: CredentialId }).strict(),
  [ClientEvents.devicesPending]: Empty,
  [ClientEvents.deviceApprove]: z.object({ credentialId: CredentialId }).strict(),
  [ClientEvents.deviceDeny]: z.object({ credentialId: CredentialId }).strict(),
  [ClientEvents.flagsGet]: z.object({ sessionId: Id }).strict(),
  // People and courses administration, audit log
  [ClientEvents.userCreate]: CreateUserRequest.omit({ actor: true }),
  [ClientEvents.userList]: ListUsersRequest.omit({ actor: true }),
  [ClientEvents.userUpdate]: UpdateUserRequest.omit({ actor: true }),
  [ClientEvents.courseCreate]: CreateCourseRequest.omit({ actor: true }),
  [ClientEvents.courseUpdate]: UpdateCourseRequest.omit({ actor: true }),
  [ClientEvents.courseTeachersSet]: SetCourseTeachersRequest.omit({ actor: true }),
  [ClientEvents.courseList]: Empty,
  [ClientEvents.auditList]: ListAuditRequest.omit({ actor: true }),
  // Rooms, enrollments and roster import
  [ClientEvents.roomCreate]: z
    .object({ name: RoomFields.name, building: RoomFields.building.optional(), latitude: RoomFields.latitude, longitude: RoomFields.longitude, defaultRadiusM: RoomFields.defaultRadiusM })
    .strict(),
  [ClientEvents.roomUpdate]: z
    .object({
      roomId: Id,
      name: RoomFields.name.optional(),
      building: RoomFields.building.nullable().optional(),
      latitude: RoomFields.latitude.optional(),
      longitude: RoomFields.longitude.optional(),
      defaultRadiusM: RoomFields.defaultRadiusM.optional(),
    })
    .strict(),
  [ClientEvents.roomList]: Empty,
  [ClientEvents.roomDelete]: z.object({ roomId: Id }).strict(),
  [ClientEvents.enrollmentAdd]: z.object({ courseId: Id, email: Email }).strict(),
  /** The student is the target, not the actor: hence `targetStudentId`. */
  [ClientEvents.enrollmentRemove]: z.object({ courseId: Id, targetStudentId: Id }).strict(),
  [ClientEvents.courseRoster]: z.object({ courseId: Id }).strict(),
  [ClientEvents.rosterImport]: RosterImportOptions.extend({ csv: RosterCsv }).strict(),
  // sign-in security
  [ClientEvents.userSetDisabled]: z.object({ targetUserId: Id, disabled: z.boolean() }).strict(),
  [ClientEvents.deadLetterList]: z.object({ limit: z.number().int().min(1).max(1_000).default(200) }).strict(),
  [ClientEvents.deadLetterReplay]: z.object({ sequence: z.number().int().positive() }).strict(),
} as const satisfies Record<ClientEvent, z.ZodType>;

export type ClientPayload<E extends ClientEvent> = z.input<(typeof ClientPayloads)[E]>;

export interface CheckinAccepted {
  submissionId: string;
  /**
   * 'pending': queued, the verdict comes as a checkin:result push. 'decided': this submission was
   * already decided (a retry after a lost connection): `result` holds the verdict, and no push follows.
   */
  status: 'pending' | 'decided';
  result?: CheckinResult;
}

export interface ClientAckData {
  [ClientEvents.sessionStart]: M.SessionView;
  [ClientEvents.sessionStop]: M.SessionView;
  [ClientEvents.sessionGet]: M.SessionDetailReply;
  [ClientEvents.sessionsActive]: M.ActiveSessionsReply;
  [ClientEvents.passkeyOptions]: M.RegistrationOptionsReply;
  [ClientEvents.passkeyRegister]: M.VerifyRegistrationReply;
  [ClientEvents.passkeyList]: M.PasskeysReply;
  [ClientEvents.checkinBegin]: M.IssueChallengeReply;
  [ClientEvents.checkinSubmit]: CheckinAccepted;
  [ClientEvents.reportGet]: M.ReportReply;
  [ClientEvents.whoami]: { user: M.UserSummary; courses: M.CourseSummary[] };
  [ClientEvents.attendanceMark]: M.MarkChangeReply;
  [ClientEvents.historyCourse]: M.CourseHistoryReply;
  [ClientEvents.historyMine]: M.MyHistoryReply;
  [ClientEvents.sessionQr]: QrCodeView;
  // device binding
  [ClientEvents.passkeyRemove]: M.PasskeyRemovedReply;
  [ClientEvents.devicesPending]: M.PendingDevicesReply;
  [ClientEvents.deviceApprove]: M.DeviceDecisionReply;
  [ClientEvents.deviceDeny]: M.DeviceDecisionReply;
  /** Check-in flags found so far in the session (the live roster reads them after a reload). */
  [ClientEvents.flagsGet]: M.SessionFlagsReply;
  // People and courses administration, audit log
  [ClientEvents.userCreate]: M.AccountView;
  [ClientEvents.userList]: M.UserListReply;
  [ClientEvents.userUpdate]: M.AccountView;
  [ClientEvents.courseCreate]: M.CourseView;
  [ClientEvents.courseUpdate]: M.CourseView;
  [ClientEvents.courseTeachersSet]: M.CourseView;
  [ClientEvents.courseList]: M.CourseListReply;
  [ClientEvents.auditList]: M.AuditListReply;
  // Rooms, enrollments and roster import
  [ClientEvents.roomCreate]: M.RoomView;
  [ClientEvents.roomUpdate]: M.RoomView;
  [ClientEvents.roomList]: M.RoomsReply;
  [ClientEvents.roomDelete]: M.RoomDeletedReply;
  [ClientEvents.enrollmentAdd]: M.EnrollmentChangeReply;
  [ClientEvents.enrollmentRemove]: M.EnrollmentChangeReply;
  [ClientEvents.courseRoster]: M.CourseRosterReply;
  [ClientEvents.rosterImport]: M.RosterImportReply;
  // sign-in security
  [ClientEvents.userSetDisabled]: M.SetDisabledReply;
  /** Oldest first. */
  [ClientEvents.deadLetterList]: { items: DeadLetterSummary[] };
  [ClientEvents.deadLetterReplay]: DeadLetterReplayedV1;
}

/** The code to show now: the QR code encodes `url`; `shortCode` is shown beside it. Ask again at `expiresAt`. */
export interface QrCodeView extends M.QrCodeReply {
  /** `<public origin>/checkin?session=<sessionId>&qr=<token>`: opens the student's check-in with the code filled in. */
  url: string;
}

export const ServerEvents = {
  sessionOpened: 'session:opened',
  sessionClosed: 'session:closed',
  rosterUpdate: 'roster:update',
  checkinResult: 'checkin:result',
  reportReady: 'report:ready',
  markChanged: 'mark:changed',
  reportUpdated: 'report:updated',
  // device binding
  deviceApprovalRequested: 'device:approval-requested',
  deviceDecided: 'device:decided',
  // Check-in flags
  checkinFlagged: 'checkin:flagged',
  // sign-in security
  /** This connection's sign-in was ended; the server disconnects right after sending it. */
  authRevoked: 'auth:revoked',
} as const;
export type ServerEvent = (typeof ServerEvents)[keyof typeof ServerEvents];

export interface RosterUpdate {
  sessionId: string;
  studentId: string;
  name?: string;
  state: 'present' | 'rejected';
  reason?: RejectionReasonV3;
  message?: string;
  distanceM?: number;
  at: string;
  presentCount?: number;
}

export interface CheckinResult {
  submissionId: string;
  sessionId: string;
  verdict: 'accepted' | 'rejected';
  reason?: RejectionReasonV3;
  message?: string;
  distanceM?: number;
  at: string;
}

export interface ServerPayloads {
  [ServerEvents.sessionOpened]: M.SessionView;
  /** closeReason added later (absent from older gateways): `state-lost` means the teacher should start a new session. */
  [ServerEvents.sessionClosed]: { sessionId: string; courseId: string; closedAt: string; closeReason?: SessionCloseReason };
  [ServerEvents.rosterUpdate]: RosterUpdate;
  [ServerEvents.checkinResult]: CheckinResult;
  /** `incomplete`: built without some events it waited for; `report:updated` follows as they arrive. */
  [ServerEvents.reportReady]: { sessionId: string; courseId: string; presentCount: number; absentCount: number; incomplete?: ReportIncomplete };
  /** To the course's teachers: a status set by hand. */
  [ServerEvents.markChanged]: M.MarkChangeReply & { courseId: string };
  /** To the course's teachers: a built report changed; fetch it again. */
  [ServerEvents.reportUpdated]: {
    sessionId: string;
    courseId: string;
    presentCount: number;
    absentCount: number;
    counts: Record<AttendanceStatus, number>;
    revision: number;
    /** Still built without some events (absent: complete). */
    incomplete?: ReportIncomplete;
  };
  // device binding
  /** To the student's course teachers and to admins: a new passkey waits for approval (ask device:pending for the names). */
  [ServerEvents.deviceApprovalRequested]: { credentialId: string; studentId: string; deviceName: string; requestedAt: string };
  /** To the student's course teachers, admins, and the student: a new passkey was approved or refused. */
  [ServerEvents.deviceDecided]: { credentialId: string; studentId: string; status: 'approved' | 'denied'; decidedBy: string; decidedAt: string };
  /** To the course's teachers: flags found on an accepted check-in (also later, on an earlier check-in). */
  [ServerEvents.checkinFlagged]: { sessionId: string; courseId: string; studentId: string; submissionId: string; flags: CheckinFlag[]; flaggedAt: string };
  /** Before the disconnect: why this sign-in ended, in a sentence to show. */
  [ServerEvents.authRevoked]: { reason: SignInRevokedReason; message: string };
}
