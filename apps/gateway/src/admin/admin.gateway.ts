import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { ClientEvents, Rpc, authorize } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { runClientEvent } from '../realtime/socket-handler.js';

/**
 * People, courses and the audit log over Socket.IO. Shares the server of AttendanceGateway (same
 * path and options), whose handshake has already authenticated every socket. Each handler checks
 * the role against the permission table, then identity-service applies the scope.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class AdminGateway {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @SubscribeMessage(ClientEvents.userCreate)
  createUser(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.userCreate, body, (req, { actor, correlationId }) => {
      authorize(actor, 'user.manage');
      return this.rpc.request(Rpc.identityUserCreate, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.userList)
  listUsers(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.userList, body, (req, { actor, correlationId }) => {
      authorize(actor, 'user.read');
      return this.rpc.request(Rpc.identityUserList, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.userUpdate)
  updateUser(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.userUpdate, body, (req, { actor, correlationId }) => {
      authorize(actor, 'user.manage');
      return this.rpc.request(Rpc.identityUserUpdate, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.courseCreate)
  createCourse(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.courseCreate, body, (req, { actor, correlationId }) => {
      authorize(actor, 'course.manage');
      return this.rpc.request(Rpc.identityCourseCreate, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.courseUpdate)
  updateCourse(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.courseUpdate, body, (req, { actor, correlationId }) => {
      authorize(actor, 'course.manage');
      return this.rpc.request(Rpc.identityCourseUpdate, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.courseTeachersSet)
  setCourseTeachers(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.courseTeachersSet, body, (req, { actor, correlationId }) => {
      authorize(actor, 'course.manage');
      return this.rpc.request(Rpc.identityCourseTeachersSet, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.courseList)
  listCourses(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.courseList, body, (_req, { actor, correlationId }) => {
      authorize(actor, 'course.read');
      return this.rpc.request(Rpc.identityCourseList, { actor }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.auditList)
  listAudit(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.auditList, body, (req, { actor, correlationId }) => {
      authorize(actor, 'audit.read');
      return this.rpc.request(Rpc.identityAuditList, { actor, ...req }, { correlationId });
    });
  }
}
