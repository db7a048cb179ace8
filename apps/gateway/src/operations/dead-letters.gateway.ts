import { Inject, Injectable } from '@nestjs/common';
import { ClientEvents } from '@classconnect/contracts';
import { NATS_CONNECTION, listDeadLetters, replayDeadLetter, type NatsConnection } from '@classconnect/messaging';
import { ClientEventRouter } from '../realtime/client-event-router.js';

/**
 * Messages a durable consumer set aside, for admins: the list (read from the DEADLETTER stream)
 * and a replay, which the consumer that set the message aside carries out through its own handler.
 * Its client events are handlers of the shared router (realtime/client-event-router.ts).
 */
@Injectable()
export class DeadLettersGateway {
  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(ClientEventRouter) router: ClientEventRouter) {
    router.handle(ClientEvents.deadLetterList, 'deadletter.manage', async (req) => ({ items: await listDeadLetters(nc, req.limit) }));
    router.handle(ClientEvents.deadLetterReplay, 'deadletter.manage', (req, { actor }) => replayDeadLetter(nc, req.sequence, actor.userId));
  }
}
