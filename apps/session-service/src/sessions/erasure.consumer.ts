import { Inject, Injectable } from '@nestjs/common';
import { AccountErasedV1, EventSubjects, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, decodeEvent, type ConsumedMessage, type DurableConsumer, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { SessionStore } from './session.model.js';

/** The durable's name: every instance shares it. */
export const ErasureConsumerName = 'session-erasure';

/** What the roster shows for an erased student: the name identity-service gives them from then on. */
const ErasedStudent = 'Erased student';

/**
 * An erased person leaves no name in session-service: every roster copy in Redis (open sessions,
 * and closed ones kept a week for late readers) shows the placeholder instead. Acked once done;
 * doing it again changes nothing.
 */
@Injectable()
export class ErasureConsumer extends ConsumerLifecycle {
  private readonly log = createLogger(ErasureConsumer.name);

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(SessionStore) private readonly store: SessionStore,
  ) {
    super(nc, { stream: Streams.directory.name, durable: ErasureConsumerName, filterSubjects: [EventSubjects.accountErased] });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start((msg) => this.handle(msg));
  }

  private async handle(msg: ConsumedMessage): Promise<void> {
    let userId: string;
    try {
      userId = AccountErasedV1.parse(decodeEvent(msg.data).data).userId;
    } catch (err) {
      this.log.warn({ err, seq: msg.seq }, 'ignored an account.erased event that does not match its schema');
      return;
    }
    const sessions = await this.store.renameEverywhere(userId, ErasedStudent);
    this.log.info({ userId, sessions }, 'erased person’s name removed from session rosters');
  }
}
