import { Inject, Injectable } from '@nestjs/common';
import { AccountErasedV1, EventSubjects, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, decodeEvent, type ConsumedMessage, type DurableConsumer, type NatsConnection } from '@classconnect/messaging';
import { VerificationPrivacyService } from './privacy.service.js';

/** A published durable name: renaming it would start a new consumer that replays every erasure. */
export const AccountErasedConsumerName = 'verification-erasure';

/**
 * Erases what this service holds about a person once identity-service has erased their account.
 * Durable, from the start of the stream: an erasure published while this service was down, or
 * before this consumer existed, is still carried out. The message is acked after the erasure is done.
 */
@Injectable()
export class AccountErasedConsumer extends ConsumerLifecycle {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly privacy: VerificationPrivacyService,
  ) {
    super(nc, {
      stream: Streams.directory.name,
      durable: AccountErasedConsumerName,
      // One subject: NATS 2.9 knows only a single filter per consumer.
      filterSubjects: [EventSubjects.accountErased],
      deliverPolicy: 'all',
    });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start((msg) => this.onMessage(msg));
  }

  async onMessage(msg: ConsumedMessage): Promise<void> {
    // An erasure that cannot be read is not skipped: it fails, and after the retries it is set
    // aside on DEADLETTER, where someone sees it and can replay it.
    const { userId } = AccountErasedV1.parse(decodeEvent(msg.data).data);
    await this.privacy.erase(userId);
  }
}
