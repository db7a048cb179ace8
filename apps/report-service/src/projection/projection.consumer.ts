import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CorrelationHeader, Streams } from '@classconnect/contracts';
import { DurableConsumer, NATS_CONNECTION, type ConsumedMessage, type NatsConnection } from '@classconnect/messaging';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { ProjectionService } from './projection.service.js';

/** The durable consumer of ATTENDANCE: batches of events, acked only after their transaction committed. */
@Injectable()
export class ProjectionConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: DurableConsumer;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(REPORT_CONFIG) private readonly config: ReportConfig,
    @Inject(ProjectionService) private readonly projection: ProjectionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new DurableConsumer(this.nc, {
      stream: Streams.attendance.name,
      durable: this.config.REPORT_CONSUMER_NAME,
      filterSubjects: ['attendance.>'],
      deliverPolicy: this.config.REPORT_CONSUMER_DELIVER,
    });
    await this.consumer.startBatch((msgs) => this.handle(msgs), {
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

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
