import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects, ServerEvents } from '@classconnect/contracts';
import { NATS_CONNECTION, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { Fanout, type Routes } from '../realtime/fanout.js';
import { Rooms } from '../realtime/rooms.js';

/** Every administrator's sockets (they decide about every student's devices). */
export const AdminsRoom = 'role:admin';

/** A new passkey waiting, and each decision: to the teachers of the student's courses and to admins (their panels update live); a decision also to the student. */
export const DevicePushes: Routes = {
  [EventSubjects.deviceApprovalRequested]: {
    pushes: [
      {
        to: (e) => [...e.courseIds.map(Rooms.teaching), AdminsRoom],
        event: ServerEvents.deviceApprovalRequested,
        payload: (e) => ({ credentialId: e.credentialId, studentId: e.studentId, deviceName: e.deviceName, requestedAt: e.requestedAt }),
      },
    ],
  },
  [EventSubjects.deviceDecided]: {
    pushes: [
      {
        to: (e) => [...e.courseIds.map(Rooms.teaching), AdminsRoom, Rooms.user(e.studentId)],
        event: ServerEvents.deviceDecided,
        payload: (e) => ({ credentialId: e.credentialId, studentId: e.studentId, status: e.decision, decidedBy: e.changedBy, decidedAt: e.changedAt }),
      },
    ],
  },
};

/** Device-binding facts from DIRECTORY (directory.device.>) pushed to the sockets concerned. */
@Injectable()
export class DeviceFanout extends Fanout {
  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection) {
    super(nc, 'directory.device.', DevicePushes, createLogger('DeviceFanout'), 10_000);
  }
}
