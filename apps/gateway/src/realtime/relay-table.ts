import {
  ClientEvents,
  Rpc,
  type Actor,
  type ClientAckData,
  type ClientEvent,
  type Permission,
  type RpcReply,
  type RpcRequest,
  type RpcSubject,
} from '@classconnect/contracts';
import type { ParsedPayload, SocketUser } from './socket-handler.js';

/**
 * A client event that the gateway relays to the service owning it: the permission the role needs,
 * the RPC subject whose reply is the ack's data, and how the payload becomes the request (by
 * default the actor beside the payload's fields). Stored without its types: relay() checks them
 * where the row is written.
 */
export interface Relay {
  event: ClientEvent;
  action: Permission;
  subject: RpcSubject;
  timeoutMs?: number;
  request(payload: object, actor: Actor, user: SocketUser): object;
  /** Runs after a successful reply (its failure is logged, never the client's): what another service must hear of it. */
  after?: (reply: unknown, actor: Actor, call: AfterCall) => Promise<void>;
}

/** What an `after` may do: one more command. */
export type AfterCall = <S extends RpcSubject>(subject: S, request: RpcRequest<S>) => Promise<RpcReply<S>>;

type RequestMapper<E extends ClientEvent, S extends RpcSubject> = (payload: ParsedPayload<E>, actor: Actor, user: SocketUser) => RpcRequest<S>;

/** `request` may be left out only where the default builds the subject's request. */
type RelayOptions<E extends ClientEvent, S extends RpcSubject> = { timeoutMs?: number; after?: (reply: RpcReply<S>, actor: Actor, call: AfterCall) => Promise<void> } & ({ actor: Actor } & ParsedPayload<E> extends RpcRequest<S>
  ? { request?: RequestMapper<E, S> }
  : { request: RequestMapper<E, S> });

function relay<E extends ClientEvent, S extends RpcSubject>(
  event: E,
  action: Permission,
  /** Only a subject whose reply is the event's ack data. */
  subject: RpcReply<S> extends ClientAckData[E] ? S : never,
  ...[options]: {} extends RelayOptions<E, S> ? [RelayOptions<E, S>?] : [RelayOptions<E, S>]
): Relay {
  const { request, timeoutMs, after } = (options ?? {}) as { request?: RequestMapper<E, S>; timeoutMs?: number; after?: Relay['after'] };
  return {
    event,
    action,
    subject,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(after ? { after } : {}),
    request: request ?? ((payload, actor) => ({ actor, ...payload }) as RpcRequest<S>),
  };
}

/** A large file's import takes longer than a usual command. */
export const RosterImportTimeoutMs = 60_000;
/** A test delivery waits for the receiver (at most the delivery time-out, 15 s by default). */
export const WebhookTestTimeoutMs = 20_000;

/**
 * Every client event that is a plain relay. Client events that do more (check-in submission, QR
 * codes, me:get, dead letters) have their own handlers, run by the same runClientEvent.
 */
export const RelayTable: readonly Relay[] = [
  // Sessions and attendance
  relay(ClientEvents.sessionStart, 'session.start', Rpc.sessionStart),
  relay(ClientEvents.sessionStop, 'session.stop', Rpc.sessionStop),
  relay(ClientEvents.sessionReopen, 'session.reopen', Rpc.sessionReopen),
  relay(ClientEvents.sessionGet, 'session.read', Rpc.sessionGet),
  relay(ClientEvents.sessionsActive, 'session.list-active', Rpc.sessionActive),
  relay(ClientEvents.checkinBegin, 'checkin.submit', Rpc.checkinChallenge, {
    // The connection's hash for the check-in flags (flags/device-fingerprint.ts).
    request: (payload, actor, { deviceFingerprint }) => ({ actor, ...payload, ...(deviceFingerprint ? { deviceFingerprint } : {}) }),
  }),
  relay(ClientEvents.attendanceMark, 'attendance.mark', Rpc.sessionMark, {
    request: ({ targetStudentId, ...payload }, actor) => ({ actor, ...payload, studentId: targetStudentId }),
  }),
  relay(ClientEvents.reportGet, 'report.read', Rpc.reportGet),
  relay(ClientEvents.historyCourse, 'history.read-course', Rpc.reportCourseHistory),
  relay(ClientEvents.historyMine, 'history.read-own', Rpc.reportMyHistory),
  relay(ClientEvents.warningsCourse, 'history.read-course', Rpc.reportCourseWarnings),
  relay(ClientEvents.warningsMine, 'history.read-own', Rpc.reportMyWarnings),
  relay(ClientEvents.warningsThresholdsSet, 'warnings.configure', Rpc.reportSetWarningThresholds),
  // Web Push: a device's subscription, tied to the sign-in it was made in (its sign-out drops it)
  relay(ClientEvents.pushConfig, 'push.manage-own', Rpc.reportPushConfig),
  relay(ClientEvents.pushSubscribe, 'push.manage-own', Rpc.reportPushSubscribe, {
    request: (payload, actor, { claims }) => ({ actor, ...payload, ...(claims.sid ? { signInId: claims.sid } : {}) }),
  }),
  relay(ClientEvents.pushUnsubscribe, 'push.manage-own', Rpc.reportPushUnsubscribe),
  // Passkeys and their approval
  relay(ClientEvents.passkeyOptions, 'passkey.manage-own', Rpc.passkeyRegistrationOptions),
  relay(ClientEvents.passkeyRegister, 'passkey.manage-own', Rpc.passkeyRegister),
  relay(ClientEvents.passkeyList, 'passkey.manage-own', Rpc.passkeyList),
  relay(ClientEvents.passkeyRemove, 'passkey.manage-own', Rpc.passkeyRemove, {
    // The device whose passkey this was gets no more class-start pushes.
    after: async ({ credentialId }, actor, call) => void (await call(Rpc.reportPushCredentialRemoved, { userId: actor.userId, credentialId })),
  }),
  relay(ClientEvents.devicesPending, 'device.approve', Rpc.devicesPending),
  relay(ClientEvents.deviceApprove, 'device.approve', Rpc.deviceDecide, {
    request: ({ credentialId }, actor) => ({ actor, credentialId, decision: 'approved' }),
  }),
  relay(ClientEvents.deviceDeny, 'device.approve', Rpc.deviceDecide, {
    request: ({ credentialId }, actor) => ({ actor, credentialId, decision: 'denied' }),
  }),
  // Check-in flags: what a teacher's live roster reads after a (re)connect (new ones are pushed)
  relay(ClientEvents.flagsGet, 'report.read', Rpc.reportSessionFlags),
  // People, courses and the audit log: the role is checked here, identity-service applies the scope
  relay(ClientEvents.userCreate, 'user.manage', Rpc.identityUserCreate),
  relay(ClientEvents.userList, 'user.read', Rpc.identityUserList),
  relay(ClientEvents.userUpdate, 'user.manage', Rpc.identityUserUpdate),
  relay(ClientEvents.userSetDisabled, 'user.disable', Rpc.identitySetDisabled),
  // Erasure: identity-service does its part and publishes account.erased; every other service does its own from that
  relay(ClientEvents.userErase, 'user.erase', Rpc.identityUserErase),
  relay(ClientEvents.courseCreate, 'course.manage', Rpc.identityCourseCreate),
  relay(ClientEvents.courseUpdate, 'course.manage', Rpc.identityCourseUpdate),
  relay(ClientEvents.courseTeachersSet, 'course.manage', Rpc.identityCourseTeachersSet),
  relay(ClientEvents.courseList, 'course.read', Rpc.identityCourseList),
  relay(ClientEvents.auditList, 'audit.read', Rpc.identityAuditList),
  // Rooms, enrollments and roster import
  relay(ClientEvents.roomList, 'room.read', Rpc.identityRooms),
  relay(ClientEvents.roomCreate, 'room.manage', Rpc.identityRoomCreate),
  relay(ClientEvents.roomUpdate, 'room.manage', Rpc.identityRoomUpdate),
  relay(ClientEvents.roomDelete, 'room.manage', Rpc.identityRoomDelete),
  relay(ClientEvents.enrollmentAdd, 'enrollment.manage', Rpc.identityEnrollmentAdd),
  relay(ClientEvents.enrollmentRemove, 'enrollment.manage', Rpc.identityEnrollmentRemove, {
    request: ({ targetStudentId, ...payload }, actor) => ({ actor, ...payload, studentId: targetStudentId }),
  }),
  relay(ClientEvents.courseRoster, 'enrollment.manage', Rpc.identityCourseRoster),
  relay(ClientEvents.rosterImport, 'roster.import', Rpc.identityRosterImport, { timeoutMs: RosterImportTimeoutMs }),
  // Webhooks (integration-service)
  relay(ClientEvents.webhookList, 'webhook.manage', Rpc.integrationWebhooks),
  relay(ClientEvents.webhookCreate, 'webhook.manage', Rpc.integrationWebhookCreate),
  relay(ClientEvents.webhookUpdate, 'webhook.manage', Rpc.integrationWebhookUpdate),
  relay(ClientEvents.webhookDelete, 'webhook.manage', Rpc.integrationWebhookDelete),
  relay(ClientEvents.webhookRotateSecret, 'webhook.manage', Rpc.integrationWebhookRotateSecret),
  // One attempt while the admin waits: up to the 15 s delivery time-out, plus the address check.
  relay(ClientEvents.webhookTest, 'webhook.manage', Rpc.integrationWebhookTest, { timeoutMs: WebhookTestTimeoutMs }),
  relay(ClientEvents.webhookDeliveries, 'webhook.manage', Rpc.integrationWebhookDeliveries),
];
