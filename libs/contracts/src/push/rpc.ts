/**
 * Web Push when class starts (report-service holds the subscriptions and sends; request/reply on
 * NATS core), and the question report-service asks every gateway: which of these users has a
 * socket open now. A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, Id } from '../primitives.js';
import { CredentialId } from '../passkeys/rpc.js';
import { command } from '../slice-maps.js';

/** base64url without padding, as PushSubscription.toJSON() gives the keys. */
const Base64Url = (min: number, max: number) => z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** What the browser's PushSubscription.toJSON() gives (expirationTime is ignored). */
export const PushSubscriptionJson = z.object({
  endpoint: z.string().url().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: Base64Url(80, 100), auth: Base64Url(16, 32) }).strict(),
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>;

export const PushConfigRequest = z.object({ actor: Actor }).strict();
export interface PushConfigReply {
  /** The VAPID public key for PushManager.subscribe (applicationServerKey); null when push is off on this deployment. */
  publicKey: string | null;
}

export const PushSubscribeRequest = z
  .object({
    actor: Actor,
    /** The sign-in this device is in (the access token's `sid`): its sign-out drops the subscription. */
    signInId: Id.optional(),
    subscription: PushSubscriptionJson,
    /** The id of this device's passkey, when it has one: removing that passkey drops the subscription. */
    credentialId: CredentialId.optional(),
  })
  .strict();
export type PushSubscribeRequest = z.infer<typeof PushSubscribeRequest>;
export interface PushSubscribeReply {
  endpoint: string;
  subscribed: true;
}

export const PushUnsubscribeRequest = z.object({ actor: Actor, endpoint: z.string().url().max(2048) }).strict();
export interface PushUnsubscribeReply {
  endpoint: string;
  removed: boolean;
}

/** Internal (gateway → report-service): a passkey was removed; its device's subscriptions go with it. */
export const PushCredentialRemovedRequest = z.object({ userId: Id, credentialId: CredentialId }).strict();
export interface PushCredentialRemovedReply {
  removed: number;
}

export const PushRpc = {
  reportPushConfig: command('cc.report.push.config.v1', PushConfigRequest).replies<PushConfigReply>(),
  reportPushSubscribe: command('cc.report.push.subscribe.v1', PushSubscribeRequest).replies<PushSubscribeReply>(),
  reportPushUnsubscribe: command('cc.report.push.unsubscribe.v1', PushUnsubscribeRequest).replies<PushUnsubscribeReply>(),
  reportPushCredentialRemoved: command('cc.report.push.credential-removed.v1', PushCredentialRemovedRequest).replies<PushCredentialRemovedReply>(),
};

/**
 * Asked of every gateway at once (a plain subscription, not a queue group: each answers for its own
 * sockets; the asker gathers the answers for a short while). Not in PushRpc: it has many repliers.
 */
export const ConnectedUsersSubject = 'cc.gateway.connected-users.v1';
export const ConnectedUsersRequest = z.object({ userIds: z.array(Id).max(10_000) }).strict();
export type ConnectedUsersRequest = z.infer<typeof ConnectedUsersRequest>;
export interface ConnectedUsersReply {
  /** Those of the asked users with a socket on this gateway. */
  connected: string[];
}

/** The notification's JSON payload, encrypted for the device (RFC 8291); the service worker shows it. */
export interface ClassStartPush {
  kind: 'session-opened';
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  openedAt: string;
  /** Where a tap opens the app: the check-in prompt of this session. */
  url: string;
}
