import { Inject, Injectable } from '@nestjs/common';
import { AccountErasedV1, CorrelationHeader, EventSubjects, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, decodeEvent, type ConsumedMessage, type DurableConsumer, type NatsConnection } from '@classconnect/messaging';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { ErasureService } from './erasure.service.js';

/**
 * directory.account.erased.v1 → the person's data here goes. A durable of its own on DIRECTORY
 * (one filter subject: NATS 2.9 takes no more), from the start of the stream when first created,
 * acked after the transaction committed.
 */
@Injectable()
export class AccountErasedConsumer extends ConsumerLifecycle {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(REPORT_CONFIG) config: ReportConfig,
    @Inject(ErasureService) private readonly erasure: ErasureService,
  ) {
    super(nc, { stream: Streams.directory.name, durable: config.ERASURE_CONSUMER_NAME, filterSubjects: [EventSubjects.accountErased], deliverPolicy: 'all' });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start(async (msg: ConsumedMessage) => {
      // An erasure is never skipped: one that does not parse fails, and after its retries is set aside where an admin sees it.
      const event = AccountErasedV1.parse(decodeEvent(msg.data).data);
      await this.erasure.accountErased(event, msg.headers?.get(CorrelationHeader) || undefined);
    });
  }
}
