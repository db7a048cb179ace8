import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SocketServer } from '../realtime/socket-server.js';
import { userOf } from '../realtime/socket-handler.js';
import { AdminsRoom, DeviceFanout } from './device-fanout.service.js';

/**
 * Pushes about students' new passkeys and their approval (the client events are rows of
 * realtime/relay-table.ts): admins' sockets join the room those pushes go to. The connections are
 * AttendanceGateway's, which authenticates and rate-limits.
 */
@Injectable()
export class DevicesGateway implements OnApplicationBootstrap {
  constructor(
    @Inject(DeviceFanout) private readonly fanout: DeviceFanout,
    @Inject(SocketServer) private readonly sockets: SocketServer,
  ) {
    sockets.onConnection((socket) => {
      if (userOf(socket).actor.role === 'admin') void socket.join(AdminsRoom);
    });
  }

  onApplicationBootstrap(): void {
    this.fanout.attach(this.sockets.server);
  }
}
