import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { ClientEvents, Rpc, authorize } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { runClientEvent } from '../realtime/socket-handler.js';

/**
 * Rooms over Socket.IO: admins create, change and delete them; teachers and admins list them (to
 * start a session from one). Same options as AttendanceGateway, so Nest serves both on one server.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class RoomsGateway {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @SubscribeMessage(ClientEvents.roomList)
  list(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.roomList, body, (_req, { actor, correlationId }) => {
      authorize(actor, 'room.read');
      return this.rpc.request(Rpc.identityRooms, { actor }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.roomCreate)
  create(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.roomCreate, body, (req, { actor, correlationId }) => {
      authorize(actor, 'room.manage');
      return this.rpc.request(Rpc.identityRoomCreate, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.roomUpdate)
  update(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.roomUpdate, body, (req, { actor, correlationId }) => {
      authorize(actor, 'room.manage');
      return this.rpc.request(Rpc.identityRoomUpdate, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.roomDelete)
  remove(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.roomDelete, body, (req, { actor, correlationId }) => {
      authorize(actor, 'room.manage');
      return this.rpc.request(Rpc.identityRoomDelete, { actor, ...req }, { correlationId });
    });
  }
}
