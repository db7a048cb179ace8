import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { EnrollmentFollower } from './enrollment-follower.service.js';

/**
 * Keeps sockets in their course rooms as enrollments change (the enrollment events themselves are
 * rows of realtime/relay-table.ts). Same options as AttendanceGateway, so Nest serves both on one server.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class EnrollmentsGateway implements OnApplicationBootstrap {
  @WebSocketServer() private server!: Server;

  constructor(@Inject(EnrollmentFollower) private readonly follower: EnrollmentFollower) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.attach(this.server);
  }
}
