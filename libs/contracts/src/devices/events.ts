/**
 * Device binding's facts (verification-service publishes them, on DIRECTORY): a new passkey waits
 * for approval, or was approved or refused. events.ts joins them into EventSubjects and
 * EventSchemas. A published type is never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import type { ValueOf } from '../slice-maps.js';

export const DeviceEventSubjects = {
  /** A student added a passkey that must be approved before it can check in. */
  deviceApprovalRequested: 'directory.device.approval-requested.v1',
  /** A teacher or an admin approved or refused a student's new passkey. */
  deviceDecided: 'directory.device.decided.v1',
} as const;

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

export const DeviceEventSchemas = {
  [DeviceEventSubjects.deviceApprovalRequested]: DeviceApprovalRequestedV1,
  [DeviceEventSubjects.deviceDecided]: DeviceDecidedV1,
} as const satisfies Record<ValueOf<typeof DeviceEventSubjects>, z.ZodType>;
