/**
 * A student's passkeys (verification-service, request/reply on NATS core): register one, list
 * them, remove one. A new passkey may have to wait for approval before it checks in: ../devices.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, ActorRequest, HumanText, Id } from '../primitives.js';
import { command } from '../slice-maps.js';
import { RegistrationResponse, type RegistrationOptions } from '../webauthn.js';

/** A passkey's standing: only `approved` ones check in. */
export type PasskeyStatus = 'approved' | 'pending' | 'denied';
/** A WebAuthn credential id (base64url). */
export const CredentialId = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a passkey id (base64url)');

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

export const PasskeyRefRequest = z.object({ actor: Actor, credentialId: CredentialId }).strict();
export type PasskeyRefRequest = z.infer<typeof PasskeyRefRequest>;
export interface PasskeyRemovedReply {
  credentialId: string;
  removed: true;
}

/**
 * How many passkeys each of these accounts has, for the admin's list of people (identity-service
 * asks while answering it, so the count is read where the passkeys are, never copied). Accounts
 * with none are left out. Denied passkeys are not counted: they never check in.
 */
export const PasskeyCountsRequest = z.object({ userIds: z.array(Id).max(200) }).strict();
export type PasskeyCountsRequest = z.infer<typeof PasskeyCountsRequest>;
export interface PasskeyCount {
  userId: string;
  /** Passkeys that check in. */
  approved: number;
  /** Passkeys waiting for a teacher's approval. */
  pending: number;
}
export interface PasskeyCountsReply {
  counts: PasskeyCount[];
}

export const PasskeyRpc = {
  passkeyRegistrationOptions: command('cc.verification.passkey-options.v1', ActorRequest).replies<RegistrationOptionsReply>(),
  passkeyRegister: command('cc.verification.passkey-register.v1', VerifyRegistrationRequest).replies<VerifyRegistrationReply>(),
  passkeyList: command('cc.verification.passkeys.v1', ActorRequest).replies<PasskeysReply>(),
  passkeyRemove: command('cc.verification.passkey-remove.v1', PasskeyRefRequest).replies<PasskeyRemovedReply>(),
  passkeyCounts: command('cc.verification.passkey-counts.v1', PasskeyCountsRequest).replies<PasskeyCountsReply>(),
};
