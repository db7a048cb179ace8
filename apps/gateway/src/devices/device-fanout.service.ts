import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { Subscription } from '@nats-io/transport-node';
import { EventSchemas, EventSubjects, EventTypePrefix, ServerEvents, type CloudEvent, type ServerPayloads } from '@classconnect/contracts';
import { NATS_CONNECTION, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { RecentIds } from '../realtime/event-fanout.service.js';
import { Rooms } from '../realtime/rooms.js';

const log = createLogger('DeviceFanout');

/** Every administrator's sockets (they decide about every student's devices). */
export const AdminsRoom = 'role:admin';

/**
 * Pushes device-binding facts from DIRECTORY: a new passkey waiting, and each decision, to the
 * teachers of the student's courses and to admins (their panels update live); a decision also to
 * the student. Each gateway instance subscribes to all of them (core NATS) and emits to its own sockets.
 */
@Injectable()
export class DeviceFanout implements OnApplicationShutdown {
  private sub?: Subscription;
  private server?: Server;
  private readonly seen = new RecentIds(10_000);

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  attach(server: Server): void {
    if (this.sub) return;
    this.server = server;
    this.sub = subscribeEvents(this.nc, 'directory.device.>', (event) => this.route(event));
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  route(event: CloudEvent): void {
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    const subject = event.type.slice(EventTypePrefix.length);
    if (subject === EventSubjects.deviceApprovalRequested) {
      const parsed = EventSchemas[EventSubjects.deviceApprovalRequested].safeParse(event.data);
      if (!parsed.success) return void log.warn({ type: event.type }, 'event data does not match its schema');
      const e = parsed.data;
      this.emit([...e.courseIds.map(Rooms.teaching), AdminsRoom], ServerEvents.deviceApprovalRequested, {
        credentialId: e.credentialId,
        studentId: e.studentId,
        deviceName: e.deviceName,
        requestedAt: e.requestedAt,
      });
    } else if (subject === EventSubjects.deviceDecided) {
      const parsed = EventSchemas[EventSubjects.deviceDecided].safeParse(event.data);
      if (!parsed.success) return void log.warn({ type: event.type }, 'event data does not match its schema');
      const e = parsed.data;
      this.emit([...e.courseIds.map(Rooms.teaching), AdminsRoom, Rooms.user(e.studentId)], ServerEvents.deviceDecided, {
        credentialId: e.credentialId,
        studentId: e.studentId,
        status: e.decision,
        decidedBy: e.changedBy,
        decidedAt: e.changedAt,
      });
    }
  }

  private emit<E extends keyof ServerPayloads>(rooms: string[], event: E, payload: ServerPayloads[E]): void {
    this.server?.to(rooms).emit(event, payload);
  }
}
