import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { ClientEvents, Rpc, authorize } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { runClientEvent } from '../realtime/socket-handler.js';

/** Check-in flags: what a teacher's live roster reads after a (re)connect; new ones come as checkin:flagged pushes. */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class FlagsGateway {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @SubscribeMessage(ClientEvents.flagsGet)
  sessionFlags(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.flagsGet, body, (req, { actor, correlationId }) => {
      authorize(actor, 'report.read');
      return this.rpc.request(Rpc.reportSessionFlags, { actor, ...req }, { correlationId });
    });
  }
}
