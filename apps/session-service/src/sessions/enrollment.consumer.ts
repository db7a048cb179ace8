import { Inject, Injectable } from '@nestjs/common';
import { CorrelationHeader, EnrollmentChangedV1, EventSubjects, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, type DurableConsumer, type ConsumedMessage, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { SessionService } from './session.service.js';

/** The durable's name: every session-service instance shares it, so each event is handled once. */
export const EnrollmentConsumerName = 'session-enrollments';

/**
 * Keeps open sessions' rosters current: consumes directory.enrollment.changed.v1 (stream
 * DIRECTORY) with a durable consumer, acked once the session's roster in Redis is updated.
 */
@Injectable()
export class EnrollmentConsumer extends ConsumerLifecycle {
  private readonly log = createLogger(EnrollmentConsumer.name);

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    super(nc, {
      stream: Streams.directory.name,
      durable: EnrollmentConsumerName,
      filterSubjects: [EventSubjects.enrollmentChanged],
      concurrency: 8,
    });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start((msg) => this.handle(msg));
  }

  private async handle(msg: ConsumedMessage): Promise<void> {
    let data;
    try {
      data = EnrollmentChangedV1.parse(decodeEvent(msg.data).data);
    } catch (err) {
      // A malformed event will not parse on redelivery either: log it and move on.
      this.log.warn({ err, seq: msg.seq }, 'ignored an enrollment event that does not match its schema');
      return;
    }
    const outcome = await this.sessions.syncEnrollment(data, msg.headers?.get(CorrelationHeader) || undefined);
    if (outcome === 'changed') this.log.info({ courseId: data.courseId, studentId: data.studentId, change: data.change }, 'open session roster updated');
  }
}
