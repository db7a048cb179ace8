/**
 * Web Push on the socket: the deployment's VAPID public key, and a device's subscription. socket.ts
 * joins these into the client event map. Event names are never renamed.
 */
import { z } from 'zod';
import { EmptyRequest } from '../primitives.js';
import { CredentialId } from '../passkeys/rpc.js';
import { clientEvent } from '../slice-maps.js';
import { PushSubscriptionJson, type PushConfigReply, type PushSubscribeReply, type PushUnsubscribeReply } from './rpc.js';

export const PushClientEvents = {
  pushConfig: clientEvent('push:config', EmptyRequest).acks<PushConfigReply>(),
  pushSubscribe: clientEvent('push:subscribe', z.object({ subscription: PushSubscriptionJson, credentialId: CredentialId.optional() }).strict()).acks<PushSubscribeReply>(),
  pushUnsubscribe: clientEvent('push:unsubscribe', z.object({ endpoint: z.string().url().max(2048) }).strict()).acks<PushUnsubscribeReply>(),
};
