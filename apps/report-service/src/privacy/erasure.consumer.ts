import { Inject, Injectable } from '@nestjs/common';
import { AccountErasedV1, CorrelationHeader, EventSubjects, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, decodeEvent, type ConsumedMessage, type DurableConsumer, type NatsConnection } from '@classconnect/messaging';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { ErasureService } from './erasure.service.js';

/**
 * directory.account.erased.v1 → the person's data here goes. A durable of its own on DIRECTORY
 * (one filter subject: NATS 2.9 takes no more), acked after the transaction committed. A new
 * durable reads every erasure the stream still holds, so a service that is new, or whose durable
 * was lost, erases what it holds too. Named after the projection's durable (`report-erasure`), so a
 * test run that names its own never takes the real one's messages.
 */
@Injectable()
export class AccountErasedConsumer extends ConsumerLifecycle {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(REPORT_CONFIG) config: ReportConfig,
    @Inject(ErasureService) private readonly erasure: ErasureService,
  ) {
    super(nc, { stream: Streams.directory.name, durable: `${config.REPORT_CONSUMER_NAME}-erasure`, filterSubjects: [EventSubjects.accountErased], deliverPolicy: 'all' });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start(async (msg: ConsumedMessage) => {
      // An erasure is never skipped: one that does not parse fails, and after its retries is set aside where an admin sees it.
      const event = AccountErasedV1.parse(decodeEvent(msg.data).data);
      await this.erasure.accountErased(event, msg.headers?.get(CorrelationHeader) || undefined);
    });
  }
}
