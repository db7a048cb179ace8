import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { userOf } from '../realtime/socket-handler.js';
import { AdminsRoom, DeviceFanout } from './device-fanout.service.js';

/**
 * Pushes about students' new passkeys and their approval (the client events are rows of
 * realtime/relay-table.ts): admins' sockets join the room those pushes go to. Shares the Socket.IO
 * server of AttendanceGateway (same path), which authenticates and rate-limits.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class DevicesGateway implements OnGatewayConnection, OnApplicationBootstrap {
  @WebSocketServer() private server!: Server;

  constructor(@Inject(DeviceFanout) private readonly fanout: DeviceFanout) {}

  onApplicationBootstrap(): void {
    this.fanout.attach(this.server);
  }

  handleConnection(socket: Socket): void {
    const { actor } = userOf(socket);
    if (actor?.role === 'admin') void socket.join(AdminsRoom);
  }
}
