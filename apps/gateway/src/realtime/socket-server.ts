import { Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';

/**
 * The gateway's one Socket.IO server, for the providers of each context that push to sockets, end
 * them, or put a new connection in a room of their own. AttendanceGateway is the only
 * @WebSocketGateway and hands the server over here: Nest gives every gateway class a disconnect
 * listener on every connection, which an idle socket would carry for nothing.
 */
@Injectable()
export class SocketServer {
  private io?: Server;
  private readonly connectionHooks: ((socket: Socket) => void)[] = [];

  /** Set by AttendanceGateway when Nest creates the server, before any bootstrap hook runs. */
  open(server: Server): void {
    this.io = server;
  }

  get server(): Server {
    if (!this.io) throw new Error('the Socket.IO server is not created yet');
    return this.io;
  }

  /** Runs `hook` on every connection the handshake accepted, once it is in its user's and courses' rooms. */
  onConnection(hook: (socket: Socket) => void): void {
    this.connectionHooks.push(hook);
  }

  connected(socket: Socket): void {
    for (const hook of this.connectionHooks) hook(socket);
  }
}
