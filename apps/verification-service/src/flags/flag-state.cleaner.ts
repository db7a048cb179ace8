import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects, SessionClosedV1, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, type DurableConsumer, type ConsumedMessage, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { FlagStateRepository } from './flag-state.repository.js';

export const FlagCleanerConsumerName = 'verification-flags';

/**
 * Deletes a session's flag state (its HMAC key and digests) when the session closes: a durable
 * consumer of session.closed, so a close seen while this service was down is handled on restart.
 * The state's TTL is the fallback.
 */
@Injectable()
export class FlagStateCleaner extends ConsumerLifecycle {
  private readonly log = createLogger('FlagStateCleaner');

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly state: FlagStateRepository,
  ) {
    super(nc, {
      stream: Streams.attendance.name,
      durable: FlagCleanerConsumerName,
      filterSubjects: [EventSubjects.sessionClosed],
      concurrency: 4,
      deliverPolicy: 'new',
    });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start((msg) => this.onMessage(msg));
  }

  async onMessage(msg: ConsumedMessage): Promise<void> {
    let sessionId: string;
    try {
      sessionId = SessionClosedV1.parse(decodeEvent(msg.data).data).sessionId;
    } catch {
      this.log.warn({ seq: msg.seq }, 'skipped a session.closed event that does not match its schema');
      return;
    }
    await this.state.forgetSession(sessionId);
  }
}
