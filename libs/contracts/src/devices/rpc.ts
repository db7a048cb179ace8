/**
 * Device binding (verification-service, request/reply on NATS core): a student's new passkey waits
 * until a teacher of one of the student's courses, or an admin, approves or refuses it.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { CredentialId } from '../passkeys/rpc.js';
import { Actor, ActorRequest } from '../primitives.js';
import { command } from '../slice-maps.js';

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

export const DeviceRpc = {
  devicesPending: command('cc.verification.devices-pending.v1', ActorRequest).replies<PendingDevicesReply>(),
  deviceDecide: command('cc.verification.device-decide.v1', DeviceDecisionRequest).replies<DeviceDecisionReply>(),
};
