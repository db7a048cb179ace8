/**
 * Device binding's facts (verification-service publishes them, on DIRECTORY): a new passkey waits
 * for approval, or was approved or refused. events.ts joins them into EventSubjects and
 * EventSchemas. A published type is never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';

export const DeviceApprovalRequestedV1 = z.object({
  credentialId: z.string().min(1).max(1024),
  studentId: Id,
  deviceName: z.string(),
  requestedAt: IsoTime,
  /** The courses the student attends: their teachers may approve (and are told live). */
  courseIds: z.array(Id),
});

export const DeviceDecidedV1 = z.object({
  credentialId: z.string().min(1).max(1024),
  studentId: Id,
  decision: z.enum(['approved', 'denied']),
  deviceName: z.string(),
  /** The teacher or admin who decided. */
  changedBy: Id,
  changedAt: IsoTime,
  courseIds: z.array(Id),
});

export const DeviceStreamEvents = {
  /** A student added a passkey that must be approved before it can check in. */
  deviceApprovalRequested: streamEvent('directory.device.approval-requested.v1', DeviceApprovalRequestedV1),
  /** A teacher or an admin approved or refused a student's new passkey. */
  deviceDecided: streamEvent('directory.device.decided.v1', DeviceDecidedV1),
};
