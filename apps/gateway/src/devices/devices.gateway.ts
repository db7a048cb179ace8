import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer, type OnGatewayConnection } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ClientEvents, Rpc, authorize } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { runClientEvent, userOf } from '../realtime/socket-handler.js';
import { AdminsRoom, DeviceFanout } from './device-fanout.service.js';

/**
 * Students' passkeys and their approval: passkey:remove for a student's own, device:pending,
 * device:approve and device:deny for teachers (their courses' students) and admins (everyone).
 * Shares the Socket.IO server of AttendanceGateway (same path), which authenticates and rate-limits.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class DevicesGateway implements OnGatewayConnection, OnApplicationBootstrap {
  @WebSocketServer() private server!: Server;

  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(DeviceFanout) private readonly fanout: DeviceFanout,
  ) {}

  onApplicationBootstrap(): void {
    this.fanout.attach(this.server);
  }

  handleConnection(socket: Socket): void {
    const { actor } = userOf(socket);
    if (actor?.role === 'admin') void socket.join(AdminsRoom);
  }

  @SubscribeMessage(ClientEvents.passkeyRemove)
  removePasskey(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.passkeyRemove, body, (req, { actor, correlationId }) => {
      authorize(actor, 'passkey.manage-own');
      return this.rpc.request(Rpc.passkeyRemove, { actor, ...req }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.devicesPending)
  pendingDevices(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.devicesPending, body, (_req, { actor, correlationId }) => {
      authorize(actor, 'device.approve');
      return this.rpc.request(Rpc.devicesPending, { actor }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.deviceApprove)
  approveDevice(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.deviceApprove, body, (req, { actor, correlationId }) => {
      authorize(actor, 'device.approve');
      return this.rpc.request(Rpc.deviceDecide, { actor, credentialId: req.credentialId, decision: 'approved' }, { correlationId });
    });
  }

  @SubscribeMessage(ClientEvents.deviceDeny)
  denyDevice(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.deviceDeny, body, (req, { actor, correlationId }) => {
      authorize(actor, 'device.approve');
      return this.rpc.request(Rpc.deviceDecide, { actor, credentialId: req.credentialId, decision: 'denied' }, { correlationId });
    });
  }
}
