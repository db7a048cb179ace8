/**
 * Device binding on the socket: teachers and admins list the passkeys waiting for approval and
 * approve or refuse them; they and the student hear of each request and decision. socket.ts joins
 * these into the client and server event maps. Event names are never renamed: a changed payload
 * gets a new event name beside the old one.
 */
import { z } from 'zod';
import { CredentialId } from '../passkeys/rpc.js';
import { EmptyRequest } from '../primitives.js';
import type { ValueOf } from '../slice-maps.js';
import type { DeviceDecisionReply, PendingDevicesReply } from './rpc.js';

export const DeviceClientEvents = {
  devicesPending: 'device:pending',
  deviceApprove: 'device:approve',
  deviceDeny: 'device:deny',
} as const;

export const DeviceClientPayloads = {
  [DeviceClientEvents.devicesPending]: EmptyRequest,
  [DeviceClientEvents.deviceApprove]: z.object({ credentialId: CredentialId }).strict(),
  [DeviceClientEvents.deviceDeny]: z.object({ credentialId: CredentialId }).strict(),
} as const satisfies Record<ValueOf<typeof DeviceClientEvents>, z.ZodType>;

export interface DeviceClientAcks {
  [DeviceClientEvents.devicesPending]: PendingDevicesReply;
  [DeviceClientEvents.deviceApprove]: DeviceDecisionReply;
  [DeviceClientEvents.deviceDeny]: DeviceDecisionReply;
}

export const DeviceServerEvents = {
  deviceApprovalRequested: 'device:approval-requested',
  deviceDecided: 'device:decided',
} as const;

export interface DeviceServerPayloads {
  /** To the student's course teachers and to admins: a new passkey waits for approval (ask device:pending for the names). */
  [DeviceServerEvents.deviceApprovalRequested]: { credentialId: string; studentId: string; deviceName: string; requestedAt: string };
  /** To the student's course teachers, admins, and the student: a new passkey was approved or refused. */
  [DeviceServerEvents.deviceDecided]: { credentialId: string; studentId: string; status: 'approved' | 'denied'; decidedBy: string; decidedAt: string };
}
