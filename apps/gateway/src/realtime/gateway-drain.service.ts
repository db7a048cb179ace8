import type { Server as HttpServer } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ServerEvents } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { SocketServer } from './socket-server.js';

const log = createLogger('GatewayDrain');

/**
 * How long after `server:reconnect` the connections are closed: long enough for the push to
 * arrive and for acks in flight to be sent, short against Kubernetes' 30 s grace period.
 */
export const ReconnectNoticeMs = 1_000;

/**
 * A gateway's graceful end (SIGTERM: a rolling update, a scale-in). At once it stops being ready
 * (so the Service stops routing to it) and refuses new handshakes, which then reach another
 * gateway; it tells every client `server:reconnect`, and a second later closes their connections,
 * which a Socket.IO client takes as a lost transport and reconnects through the same address.
 * Then Nest closes the HTTP server and the NATS connection (drained).
 */
@Injectable()
export class GatewayDrain implements BeforeApplicationShutdown {
  private drainingSince?: Date;

  constructor(
    @Inject(SocketServer) private readonly sockets: SocketServer,
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
  ) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.drainingSince) return;
    this.drainingSince = new Date();
    let io;
    try {
      io = this.sockets.server;
    } catch {
      return; // never served a socket
    }
    const sockets = io.engine.clientsCount;
    log.info({ signal, sockets }, 'draining: telling clients to reconnect elsewhere');
    // No new TCP connections from here; the open ones (sockets, keep-alive requests) go on for now.
    (this.http.httpAdapter?.getHttpServer() as HttpServer | undefined)?.close();
    io.emit(ServerEvents.serverReconnect, { reason: 'shutdown', closesInMs: ReconnectNoticeMs });
    await new Promise((resolve) => setTimeout(resolve, ReconnectNoticeMs));
    // Closing the transport (not a Socket.IO disconnect, which clients take as "stay away") makes
    // every client reconnect by itself, even one that does not know server:reconnect.
    for (const socket of io.sockets.sockets.values()) socket.conn.close();
    log.info({ sockets }, 'drained: every connection closed');
  }
}
