/**
 * A student's passkeys on the socket: register one, list them, remove one. socket.ts joins these
 * into the client event maps. Event names are never renamed: a changed payload gets a new event
 * name beside the old one.
 */
import { z } from 'zod';
import { EmptyRequest } from '../primitives.js';
import type { ValueOf } from '../slice-maps.js';
import { RegistrationResponse } from '../webauthn.js';
import { CredentialId, DeviceName, type PasskeyRemovedReply, type PasskeysReply, type RegistrationOptionsReply, type VerifyRegistrationReply } from './rpc.js';

export const PasskeyClientEvents = {
  passkeyOptions: 'passkey:options',
  passkeyRegister: 'passkey:register',
  passkeyList: 'passkey:list',
  passkeyRemove: 'passkey:remove',
} as const;

export const PasskeyClientPayloads = {
  [PasskeyClientEvents.passkeyOptions]: EmptyRequest,
  [PasskeyClientEvents.passkeyRegister]: z
    .object({ response: RegistrationResponse, deviceName: DeviceName.optional() })
    .strict(),
  [PasskeyClientEvents.passkeyList]: EmptyRequest,
  [PasskeyClientEvents.passkeyRemove]: z.object({ credentialId: CredentialId }).strict(),
} as const satisfies Record<ValueOf<typeof PasskeyClientEvents>, z.ZodType>;

export interface PasskeyClientAcks {
  [PasskeyClientEvents.passkeyOptions]: RegistrationOptionsReply;
  [PasskeyClientEvents.passkeyRegister]: VerifyRegistrationReply;
  [PasskeyClientEvents.passkeyList]: PasskeysReply;
  [PasskeyClientEvents.passkeyRemove]: PasskeyRemovedReply;
}
