import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { ClientEvents } from '@classconnect/contracts';
import { NATS_CONNECTION, listDeadLetters, replayDeadLetter, type NatsConnection } from '@classconnect/messaging';
import { runClientEvent } from '../realtime/socket-handler.js';

/**
 * Messages a durable consumer set aside, for admins: the list (read from the DEADLETTER stream)
 * and a replay, which the consumer that set the message aside carries out through its own handler.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 })
export class DeadLettersGateway {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  @SubscribeMessage(ClientEvents.deadLetterList)
  list(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.deadLetterList, 'deadletter.manage', body, async (req) => ({ items: await listDeadLetters(this.nc, req.limit) }));
  }

  @SubscribeMessage(ClientEvents.deadLetterReplay)
  replay(@ConnectedSocket() s: Socket, @MessageBody() body: unknown) {
    return runClientEvent(s, ClientEvents.deadLetterReplay, 'deadletter.manage', body, (req, { actor }) => replayDeadLetter(this.nc, req.sequence, actor.userId));
  }
}
