import { Inject, Injectable } from '@nestjs/common';
import { CorrelationHeader, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, type DurableConsumer, type ConsumedMessage, type NatsConnection } from '@classconnect/messaging';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { ProjectionService } from './projection.service.js';

/** The durable consumer of ATTENDANCE: batches of events, acked only after their transaction committed. */
@Injectable()
export class ProjectionConsumer extends ConsumerLifecycle {

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(REPORT_CONFIG) private readonly config: ReportConfig,
    @Inject(ProjectionService) private readonly projection: ProjectionService,
  ) {
    super(nc, {
      stream: Streams.attendance.name,
      durable: config.REPORT_CONSUMER_NAME,
      filterSubjects: ['attendance.>'],
      deliverPolicy: config.REPORT_CONSUMER_DELIVER,
    });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.startBatch((msgs) => this.handle(msgs), {
      maxBatch: this.config.REPORT_BATCH_MAX,
      maxWaitMs: this.config.REPORT_BATCH_WAIT_MS,
    });
  }

  private async handle(msgs: ConsumedMessage[]) {
    const retryByIndex = await this.projection.handleBatch(
      msgs.map((m) => ({
        data: m.data,
        subject: m.subject,
        seq: m.seq,
        deliveryCount: m.info.deliveryCount,
        correlationId: m.headers?.get(CorrelationHeader) || undefined,
      })),
    );
    return { retry: new Map([...retryByIndex].map(([i, ms]) => [msgs[i]!, ms])) };
  }
}
