import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { EnrollmentChangedV1, EventSubjects, Rpc, ServerEvents, Streams, type EventData } from '@classconnect/contracts';
import { NATS_CONNECTION, RpcClient, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { createLogger, newCorrelationId } from '@classconnect/observability';
import { Rooms } from '../realtime/rooms.js';

const log = createLogger('EnrollmentFollower');

/**
 * Keeps this instance's sockets in the right course rooms as enrollments change. Every gateway
 * instance needs every event for its own sockets, and none needs the past: an ordered consumer
 * (ephemeral, starting now, re-created by the client after a gap) rather than a shared durable.
 * A student added while a session of the course is open gets `session:opened` at once.
 */
@Injectable()
export class EnrollmentFollower implements OnApplicationShutdown {
  private server?: Server;
  private stopped = false;
  private messages?: { stop(): void };

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  async attach(server: Server): Promise<void> {
    this.server = server;
    const consumer = await jetstream(this.nc).consumers.get(Streams.directory.name, {
      filter_subjects: EventSubjects.enrollmentChanged,
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    this.messages = messages;
    void (async () => {
      for await (const msg of messages) {
        try {
          const e = EnrollmentChangedV1.parse(decodeEvent(msg.data).data);
          await this.apply(e);
        } catch (err) {
          log.warn({ err, seq: msg.seq }, 'could not apply an enrollment change to the sockets');
        }
        if (this.stopped) break;
      }
    })();
  }

  async apply(e: EventData<typeof EventSubjects.enrollmentChanged>): Promise<void> {
    const server = this.server;
    if (!server) return;
    const userRoom = Rooms.user(e.studentId);
    // Only this instance's sockets: nothing to do when the student is not connected here.
    if (!server.sockets.adapter.rooms.get(userRoom)?.size) return;
    if (e.change === 'removed') {
      server.in(userRoom).socketsLeave(Rooms.enrolled(e.courseId));
      return;
    }
    server.in(userRoom).socketsJoin(Rooms.enrolled(e.courseId));
    // The session:opened push went out before the student was in the room: send it now.
    const { sessions } = await this.rpc.request(Rpc.sessionActive, { actor: { userId: e.studentId, role: 'student' } }, { correlationId: newCorrelationId() });
    for (const session of sessions) if (session.courseId === e.courseId) server.to(userRoom).emit(ServerEvents.sessionOpened, session);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.messages?.stop();
  }
}
