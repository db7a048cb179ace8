/**
 * Device binding on the socket: teachers and admins list the passkeys waiting for approval and
 * approve or refuse them; they and the student hear of each request and decision. socket.ts joins
 * these into the client and server event maps. Event names are never renamed: a changed payload
 * gets a new event name beside the old one.
 */
import { z } from 'zod';
import { CredentialId } from '../passkeys/rpc.js';
import { EmptyRequest } from '../primitives.js';
import { clientEvent, serverEvent } from '../slice-maps.js';
import type { DeviceDecisionReply, PendingDevicesReply } from './rpc.js';

export const DeviceClientEvents = {
  devicesPending: clientEvent('device:pending', EmptyRequest).acks<PendingDevicesReply>(),
  deviceApprove: clientEvent('device:approve', z.object({ credentialId: CredentialId }).strict()).acks<DeviceDecisionReply>(),
  deviceDeny: clientEvent('device:deny', z.object({ credentialId: CredentialId }).strict()).acks<DeviceDecisionReply>(),
};

export const DeviceServerEvents = {
  /** To the student's course teachers and to admins: a new passkey waits for approval (ask device:pending for the names). */
  deviceApprovalRequested: serverEvent('device:approval-requested').carries<{ credentialId: string; studentId: string; deviceName: string; requestedAt: string }>(),
  /** To the student's course teachers, admins, and the student: a new passkey was approved or refused. */
  deviceDecided: serverEvent('device:decided').carries<{ credentialId: string; studentId: string; status: 'approved' | 'denied'; decidedBy: string; decidedAt: string }>(),
};
