import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ClientEvents, Rpc, authorize } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { runClientEvent } from '../realtime/socket-handler.js';
import { EnrollmentFollower } from './enrollment-follower.service.js';

/**
 * Enrollments over Socket.IO: add a student by email, remove one, read a course's roster, import
 * a roster file. Same options as AttendanceGateway, so Nest serves both on one server.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class EnrollmentsGateway implements OnApplicationBootstrap {
  @WebSocketServer() private server!: Server;

  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(EnrollmentFollower) private readonly follower: EnrollmentFollower,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.follower.attach(this.server);
  }

  @SubscribeMessage(ClientEvents.enrollmentAdd)
  add(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.enrollmentAdd, body, (req, { actor, correlationId }) => {
      authorize(actor, 'enrollment.manage');
      return this.rpc.request(Rpc.identityEnrollmentAdd, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.enrollmentRemove)
  remove(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.enrollmentRemove, body, ({ targetStudentId, ...req }, { actor, correlationId }) => {
      authorize(actor, 'enrollment.manage');
      return this.rpc.request(Rpc.identityEnrollmentRemove, { actor, ...req, studentId: targetStudentId }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.courseRoster)
  roster(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.courseRoster, body, (req, { actor, correlationId }) => {
      authorize(actor, 'enrollment.manage');
      return this.rpc.request(Rpc.identityCourseRoster, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.rosterImport)
  import(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.rosterImport, body, (req, { actor, correlationId }) => {
      authorize(actor, 'roster.import');
      // A large file's import takes longer than a usual command.
      return this.rpc.request(Rpc.identityRosterImport, { actor, ...req }, { correlationId, timeoutMs: RosterImportTimeoutMs });
    });
  }
}

export const RosterImportTimeoutMs = 60_000;
