/**
 * NATS subjects. A published subject is never renamed: a new version is added beside it.
 *
 * - `cc.<service>.…` are request/reply commands on NATS core, served by queue groups.
 * - `attendance.…v1` are facts on the JetStream stream ATTENDANCE (public, CloudEvents JSON).
 * - `intake.checkin.v1` is the internal work queue CHECKIN_INTAKE (holds raw positions until decided).
 */
import type { z } from 'zod';
import * as M from './messages.js';

export const Rpc = {
  identitySignIn: 'cc.identity.signin.v1',
  identityCoursesOf: 'cc.identity.courses-of.v1',
  identityCourse: 'cc.identity.course.v1',
  identityRoster: 'cc.identity.roster.v1',
  identityUsers: 'cc.identity.users.v1',
  sessionStart: 'cc.session.start.v1',
  sessionStop: 'cc.session.stop.v1',
  sessionGet: 'cc.session.get.v1',
  sessionActive: 'cc.session.active.v1',
  sessionCheckinContext: 'cc.session.checkin-context.v1',
  sessionRecordMark: 'cc.session.record-mark.v1',
  sessionMark: 'cc.session.mark.v1',
  sessionQr: 'cc.session.qr.v1',
  sessionVerifyQr: 'cc.session.verify-qr.v1',
  passkeyRegistrationOptions: 'cc.verification.passkey-options.v1',
  passkeyRegister: 'cc.verification.passkey-register.v1',
  passkeyList: 'cc.verification.passkeys.v1',
  checkinChallenge: 'cc.verification.challenge.v1',
  checkinVerdict: 'cc.verification.verdict.v1',
  reportGet: 'cc.report.get.v1',
  reportCourseHistory: 'cc.report.course-history.v1',
  reportMyHistory: 'cc.report.my-history.v1',
  // device binding and own records
  passkeyRemove: 'cc.verification.passkey-remove.v1',
  devicesPending: 'cc.verification.devices-pending.v1',
  deviceDecide: 'cc.verification.device-decide.v1',
  reportMyRecords: 'cc.report.my-records.v1',
  // Check-in flags
  sessionFenceDistance: 'cc.session.fence-distance.v1',
  reportSessionFlags: 'cc.report.session-flags.v1',
  // People and courses administration, audit log (identity-service)
  identityUserCreate: 'cc.identity.user-create.v1',
  identityUserList: 'cc.identity.user-list.v1',
  identityUserUpdate: 'cc.identity.user-update.v1',
  identityCourseCreate: 'cc.identity.course-create.v1',
  identityCourseUpdate: 'cc.identity.course-update.v1',
  identityCourseTeachersSet: 'cc.identity.course-teachers-set.v1',
  identityCourseList: 'cc.identity.course-list.v1',
  identityAuditList: 'cc.identity.audit-list.v1',
  // Rooms, enrollments and roster import (identity-service)
  identityRoomCreate: 'cc.identity.room-create.v1',
  identityRoomUpdate: 'cc.identity.room-update.v1',
  identityRoomDelete: 'cc.identity.room-delete.v1',
  identityRooms: 'cc.identity.rooms.v1',
  /** Internal (session → identity): one room's place, to start a session from it. */
  identityRoom: 'cc.identity.room.v1',
  identityEnrollmentAdd: 'cc.identity.enrollment-add.v1',
  identityEnrollmentRemove: 'cc.identity.enrollment-remove.v1',
  identityCourseRoster: 'cc.identity.course-roster.v1',
  identityRosterImport: 'cc.identity.roster-import.v1',
  // sign-in security
  identityPasswordSignIn: 'cc.identity.password-signin.v1',
  identityRefresh: 'cc.identity.refresh.v1',
  identitySignOut: 'cc.identity.sign-out.v1',
  identitySetDisabled: 'cc.identity.set-disabled.v1',
  identityPasskeySignInOptions: 'cc.identity.passkey-signin-options.v1',
  identityPasskeySignIn: 'cc.identity.passkey-signin.v1',
  identitySsoStart: 'cc.identity.sso-start.v1',
  identitySsoCallback: 'cc.identity.sso-callback.v1',
  identitySsoExchange: 'cc.identity.sso-exchange.v1',
  identityAuthConfig: 'cc.identity.auth-config.v1',
  passkeySignInChallenge: 'cc.verification.signin-challenge.v1',
  passkeySignInAssertion: 'cc.verification.signin-assertion.v1',
} as const;
export type RpcSubject = (typeof Rpc)[keyof typeof Rpc];

/** For each command: the schema its request is validated with, and the type of its reply. */
export const RpcRequestSchemas = {
  [Rpc.identitySignIn]: M.SignInRequest,
  [Rpc.identityCoursesOf]: M.CoursesOfRequest,
  [Rpc.identityCourse]: M.CourseRequest,
  [Rpc.identityRoster]: M.CourseRequest,
  [Rpc.identityUsers]: M.UsersRequest,
  [Rpc.sessionStart]: M.StartSessionRequest,
  [Rpc.sessionStop]: M.SessionRefRequest,
  [Rpc.sessionGet]: M.SessionRefRequest,
  [Rpc.sessionActive]: M.ActiveSessionsRequest,
  [Rpc.sessionCheckinContext]: M.CheckinContextRequest,
  [Rpc.sessionRecordMark]: M.RecordMarkRequest,
  [Rpc.sessionMark]: M.MarkAttendanceRequest,
  [Rpc.sessionQr]: M.QrCodeRequest,
  [Rpc.sessionVerifyQr]: M.VerifyQrRequest,
  [Rpc.passkeyRegistrationOptions]: M.ActorRequest,
  [Rpc.passkeyRegister]: M.VerifyRegistrationRequest,
  [Rpc.passkeyList]: M.ActorRequest,
  [Rpc.checkinChallenge]: M.IssueChallengeRequest,
  [Rpc.checkinVerdict]: M.VerdictLookupRequest,
  [Rpc.reportGet]: M.SessionRefRequest,
  [Rpc.reportCourseHistory]: M.CourseHistoryRequest,
  [Rpc.reportMyHistory]: M.MyHistoryRequest,
  // device binding and own records
  [Rpc.passkeyRemove]: M.PasskeyRefRequest,
  [Rpc.devicesPending]: M.ActorRequest,
  [Rpc.deviceDecide]: M.DeviceDecisionRequest,
  [Rpc.reportMyRecords]: M.MyRecordsRequest,
  [Rpc.sessionFenceDistance]: M.FenceDistanceRequest,
  [Rpc.reportSessionFlags]: M.SessionRefRequest,
  // People and courses administration, audit log
  [Rpc.identityUserCreate]: M.CreateUserRequest,
  [Rpc.identityUserList]: M.ListUsersRequest,
  [Rpc.identityUserUpdate]: M.UpdateUserRequest,
  [Rpc.identityCourseCreate]: M.CreateCourseRequest,
  [Rpc.identityCourseUpdate]: M.UpdateCourseRequest,
  [Rpc.identityCourseTeachersSet]: M.SetCourseTeachersRequest,
  [Rpc.identityCourseList]: M.ListCoursesRequest,
  [Rpc.identityAuditList]: M.ListAuditRequest,
  // Rooms, enrollments and roster import
  [Rpc.identityRoomCreate]: M.CreateRoomRequest,
  [Rpc.identityRoomUpdate]: M.UpdateRoomRequest,
  [Rpc.identityRoomDelete]: M.RoomRefRequest,
  [Rpc.identityRooms]: M.ActorRequest,
  [Rpc.identityRoom]: M.RoomLookupRequest,
  [Rpc.identityEnrollmentAdd]: M.AddEnrollmentRequest,
  [Rpc.identityEnrollmentRemove]: M.RemoveEnrollmentRequest,
  [Rpc.identityCourseRoster]: M.CourseRosterRequest,
  [Rpc.identityRosterImport]: M.RosterImportRequest,
  // sign-in security
  [Rpc.identityPasswordSignIn]: M.PasswordSignInRequest,
  [Rpc.identityRefresh]: M.RefreshRequest,
  [Rpc.identitySignOut]: M.SignOutRequest,
  [Rpc.identitySetDisabled]: M.SetDisabledRequest,
  [Rpc.identityPasskeySignInOptions]: M.EmptyRequest,
  [Rpc.identityPasskeySignIn]: M.PasskeySignInRequest,
  [Rpc.identitySsoStart]: M.SsoStartRequest,
  [Rpc.identitySsoCallback]: M.SsoCallbackRequest,
  [Rpc.identitySsoExchange]: M.SsoExchangeRequest,
  [Rpc.identityAuthConfig]: M.EmptyRequest,
  [Rpc.passkeySignInChallenge]: M.EmptyRequest,
  [Rpc.passkeySignInAssertion]: M.PasskeySignInRequest,
} as const satisfies Record<RpcSubject, z.ZodType>;

export interface RpcReplies {
  [Rpc.identitySignIn]: M.SignInReply;
  [Rpc.identityCoursesOf]: M.CoursesOfReply;
  [Rpc.identityCourse]: M.CourseReply;
  [Rpc.identityRoster]: M.RosterReply;
  [Rpc.identityUsers]: M.UsersReply;
  [Rpc.sessionStart]: M.SessionView;
  [Rpc.sessionStop]: M.SessionView;
  [Rpc.sessionGet]: M.SessionDetailReply;
  [Rpc.sessionActive]: M.ActiveSessionsReply;
  [Rpc.sessionCheckinContext]: M.CheckinContextReply;
  [Rpc.sessionRecordMark]: M.RecordMarkReply;
  [Rpc.sessionMark]: M.MarkChangeReply;
  [Rpc.sessionQr]: M.QrCodeReply;
  [Rpc.sessionVerifyQr]: M.VerifyQrReply;
  [Rpc.passkeyRegistrationOptions]: M.RegistrationOptionsReply;
  [Rpc.passkeyRegister]: M.VerifyRegistrationReply;
  [Rpc.passkeyList]: M.PasskeysReply;
  [Rpc.checkinChallenge]: M.IssueChallengeReply;
  [Rpc.checkinVerdict]: M.VerdictLookupReply;
  [Rpc.reportGet]: M.ReportReply;
  [Rpc.reportCourseHistory]: M.CourseHistoryReply;
  [Rpc.reportMyHistory]: M.MyHistoryReply;
  // device binding and own records
  [Rpc.passkeyRemove]: M.PasskeyRemovedReply;
  [Rpc.devicesPending]: M.PendingDevicesReply;
  [Rpc.deviceDecide]: M.DeviceDecisionReply;
  [Rpc.reportMyRecords]: M.MyRecordsReply;
  [Rpc.sessionFenceDistance]: M.FenceDistanceReply;
  [Rpc.reportSessionFlags]: M.SessionFlagsReply;
  // People and courses administration, audit log
  [Rpc.identityUserCreate]: M.AccountView;
  [Rpc.identityUserList]: M.UserListReply;
  [Rpc.identityUserUpdate]: M.AccountView;
  [Rpc.identityCourseCreate]: M.CourseView;
  [Rpc.identityCourseUpdate]: M.CourseView;
  [Rpc.identityCourseTeachersSet]: M.CourseView;
  [Rpc.identityCourseList]: M.CourseListReply;
  [Rpc.identityAuditList]: M.AuditListReply;
  // Rooms, enrollments and roster import
  [Rpc.identityRoomCreate]: M.RoomView;
  [Rpc.identityRoomUpdate]: M.RoomView;
  [Rpc.identityRoomDelete]: M.RoomDeletedReply;
  [Rpc.identityRooms]: M.RoomsReply;
  [Rpc.identityRoom]: M.RoomView;
  [Rpc.identityEnrollmentAdd]: M.EnrollmentChangeReply;
  [Rpc.identityEnrollmentRemove]: M.EnrollmentChangeReply;
  [Rpc.identityCourseRoster]: M.CourseRosterReply;
  [Rpc.identityRosterImport]: M.RosterImportReply;
  // sign-in security
  [Rpc.identityPasswordSignIn]: M.SignInReply;
  [Rpc.identityRefresh]: M.SignInReply;
  [Rpc.identitySignOut]: M.SignOutReply;
  [Rpc.identitySetDisabled]: M.SetDisabledReply;
  [Rpc.identityPasskeySignInOptions]: M.PasskeySignInOptionsReply;
  [Rpc.identityPasskeySignIn]: M.SignInReply;
  [Rpc.identitySsoStart]: M.SsoStartReply;
  [Rpc.identitySsoCallback]: M.SsoCallbackReply;
  [Rpc.identitySsoExchange]: M.SignInReply;
  [Rpc.identityAuthConfig]: M.AuthConfigReply;
  [Rpc.passkeySignInChallenge]: M.PasskeySignInOptionsReply;
  [Rpc.passkeySignInAssertion]: M.PasskeyAssertionReply;
}

/** The request a caller builds (schema input: defaults may be left out). */
export type RpcRequest<S extends RpcSubject> = z.input<(typeof RpcRequestSchemas)[S]>;
/** The request a handler receives (validated, defaults applied). */
export type RpcParsed<S extends RpcSubject> = z.output<(typeof RpcRequestSchemas)[S]>;
export type RpcReply<S extends RpcSubject> = RpcReplies[S];

/** Queue group names: one per service, so every instance of a service shares the load. */
export const QueueGroup = {
  identity: 'identity-service',
  session: 'session-service',
  verification: 'verification-service',
  report: 'report-service',
} as const;

export const Streams = {
  attendance: { name: 'ATTENDANCE', subjects: ['attendance.>'] },
  intake: { name: 'CHECKIN_INTAKE', subjects: ['intake.>'] },
  directory: { name: 'DIRECTORY', subjects: ['directory.>'] },
  /** Messages a durable consumer could not handle, set aside with why (see dead-letters.ts). */
  deadLetter: { name: 'DEADLETTER', subjects: ['deadletter.>'] },
} as const;

export const IntakeSubject = 'intake.checkin.v1';

/** Header carrying the correlation id from the socket event through every service. */
export const CorrelationHeader = 'Cc-Correlation-Id';
