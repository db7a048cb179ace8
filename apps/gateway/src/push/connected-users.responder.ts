import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { ConnectedUsersRequest, ConnectedUsersSubject, type ConnectedUsersReply } from '@classconnect/contracts';
import { NATS_CONNECTION, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { Rooms } from '../realtime/rooms.js';
import { SocketServer } from '../realtime/socket-server.js';

/**
 * Answers report-service's "which of these users has a socket open?" before it sends the
 * class-start push (only to students whose app is closed). Every gateway answers for its own sockets
 * (a plain subscription, not a queue group); one with none of them answers nothing, so the asker's
 * wait ends on its time-out, short by design.
 */
@Injectable()
export class ConnectedUsersResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(ConnectedUsersResponder.name);
  private sub?: Subscription;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SocketServer) private readonly sockets: SocketServer,
  ) {}

  onApplicationBootstrap(): void {
    this.sub = this.nc.subscribe(ConnectedUsersSubject, {
      callback: (err, msg) => {
        if (err) return void this.log.warn({ err }, 'connected-users subscription failed');
        const parsed = ConnectedUsersRequest.safeParse(safeJson(msg.data));
        if (!parsed.success) return;
        const rooms = this.sockets.server.sockets.adapter.rooms;
        const reply: ConnectedUsersReply = { connected: parsed.data.userIds.filter((id) => (rooms.get(Rooms.user(id))?.size ?? 0) > 0) };
        if (reply.connected.length > 0) msg.respond(JSON.stringify(reply));
      },
    });
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
