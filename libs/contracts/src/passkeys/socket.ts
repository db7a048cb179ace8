/**
 * A student's passkeys on the socket: register one, list them, remove one. socket.ts joins these
 * into the client event maps. Event names are never renamed: a changed payload gets a new event
 * name beside the old one.
 */
import { z } from 'zod';
import { EmptyRequest } from '../primitives.js';
import { clientEvent } from '../slice-maps.js';
import { RegistrationResponse } from '../webauthn.js';
import { CredentialId, DeviceName, type PasskeyRemovedReply, type PasskeysReply, type RegistrationOptionsReply, type VerifyRegistrationReply } from './rpc.js';

export const PasskeyClientEvents = {
  passkeyOptions: clientEvent('passkey:options', EmptyRequest).acks<RegistrationOptionsReply>(),
  passkeyRegister: clientEvent('passkey:register', z.object({ response: RegistrationResponse, deviceName: DeviceName.optional() }).strict()).acks<VerifyRegistrationReply>(),
  passkeyList: clientEvent('passkey:list', EmptyRequest).acks<PasskeysReply>(),
  passkeyRemove: clientEvent('passkey:remove', z.object({ credentialId: CredentialId }).strict()).acks<PasskeyRemovedReply>(),
};
