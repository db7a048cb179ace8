import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SocketServer } from '../realtime/socket-server.js';
import { EnrollmentFollower } from './enrollment-follower.service.js';

/**
 * Keeps sockets in their course rooms as enrollments change (the enrollment events themselves are
 * rows of realtime/relay-table.ts), on the server of AttendanceGateway.
 */
@Injectable()
export class EnrollmentsGateway implements OnApplicationBootstrap {
  constructor(
    @Inject(EnrollmentFollower) private readonly follower: EnrollmentFollower,
    @Inject(SocketServer) private readonly sockets: SocketServer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.attach(this.sockets.server);
  }
}
