import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects, SessionOpenedV1, SignInRevokedV1, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, decodeEvent, type ConsumedMessage, type DurableConsumer, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { PushService } from './push.service.js';

const log = createLogger('PushConsumers');

/** session.opened → class-start notifications. A durable of its own, so a slow push service never holds back the reports. */
@Injectable()
export class SessionOpenedPushConsumer extends ConsumerLifecycle {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(REPORT_CONFIG) config: ReportConfig,
    @Inject(PushService) private readonly push: PushService,
  ) {
    // `new`: a first start does not announce every session the stream remembers.
    super(nc, { stream: Streams.attendance.name, durable: config.PUSH_CONSUMER_NAME, filterSubjects: [EventSubjects.sessionOpened], concurrency: 4, deliverPolicy: 'new' });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start(async (msg: ConsumedMessage) => {
      const parsed = SessionOpenedV1.safeParse(safeData(msg));
      if (!parsed.success) return void log.warn({ seq: msg.seq }, 'skipped a session.opened event that does not match its schema');
      await this.push.sessionOpened(parsed.data);
    });
  }
}

/** directory.signin.revoked → the ended sign-ins' subscriptions go. */
@Injectable()
export class SignInRevokedPushConsumer extends ConsumerLifecycle {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(REPORT_CONFIG) config: ReportConfig,
    @Inject(PushService) private readonly push: PushService,
  ) {
    super(nc, { stream: Streams.directory.name, durable: `${config.PUSH_CONSUMER_NAME}-signins`, filterSubjects: [EventSubjects.signInRevoked], concurrency: 4, deliverPolicy: 'new' });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start(async (msg: ConsumedMessage) => {
      const parsed = SignInRevokedV1.safeParse(safeData(msg));
      if (!parsed.success) return void log.warn({ seq: msg.seq }, 'skipped a signin.revoked event that does not match its schema');
      await this.push.signInRevoked(parsed.data);
    });
  }
}

function safeData(msg: ConsumedMessage): unknown {
  try {
    return decodeEvent(msg.data).data;
  } catch {
    return undefined;
  }
}
