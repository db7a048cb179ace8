import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DurableConsumer, type DurableConsumerOptions } from './durable-consumer.js';

/**
 * A Nest provider that runs one DurableConsumer from the application's bootstrap to its shutdown.
 * A subclass names the consumer (its options, given to this constructor) and says how it handles
 * messages (`run`: `consumer.start` one at a time, or `consumer.startBatch`).
 */
export abstract class ConsumerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: DurableConsumer;

  protected constructor(
    private readonly nc: NatsConnection,
    private readonly options: DurableConsumerOptions,
  ) {}

  protected abstract run(consumer: DurableConsumer): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new DurableConsumer(this.nc, this.options);
    await this.run(this.consumer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
