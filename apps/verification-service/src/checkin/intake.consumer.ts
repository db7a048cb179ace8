import { Inject, Injectable } from '@nestjs/common';
import { CheckinSubmission, CorrelationHeader, IntakeSubject, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, type DurableConsumer, type ConsumedMessage, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { VerdictService } from './verdict.service.js';

export const IntakeConsumerName = 'verification';

/**
 * Consumes check-in submissions from the CHECKIN_INTAKE work queue. A message is acked once its
 * verdict is stored and published (the ack also deletes the raw position); a thrown error means
 * "try again later" and is only used for infrastructure failures.
 */
@Injectable()
export class IntakeConsumer extends ConsumerLifecycle {
  private readonly log = createLogger('IntakeConsumer');

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly verdicts: VerdictService,
  ) {
    super(nc, {
      stream: Streams.intake.name,
      durable: IntakeConsumerName,
      filterSubjects: [IntakeSubject],
      concurrency: 64,
      // A check-in whose decider died goes to another instance after the default ack wait (3 s).
    });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start((msg) => this.onMessage(msg));
  }

  async onMessage(msg: ConsumedMessage): Promise<void> {
    const correlationId = msg.headers?.get(CorrelationHeader) || undefined;
    const submission = this.parse(msg);
    if (!submission) return; // acked: a malformed message would be malformed on every redelivery too
    const verdict = await this.verdicts.handle(submission, correlationId);
    this.log.info(
      {
        correlationId,
        submissionId: verdict.submissionId,
        sessionId: verdict.sessionId,
        studentId: verdict.studentId,
        outcome: verdict.outcome,
        ...(verdict.outcome === 'rejected' ? { reason: verdict.reason } : {}),
        distanceM: verdict.distanceM,
        deliveryCount: msg.info.deliveryCount,
      },
      'check-in decided',
    );
  }

  private parse(msg: ConsumedMessage): CheckinSubmission | null {
    let body: unknown;
    try {
      body = msg.json();
    } catch {
      this.log.warn({ seq: msg.seq, subject: msg.subject }, 'dropped an intake message that is not JSON');
      return null;
    }
    const result = CheckinSubmission.safeParse(body);
    if (result.success) return result.data;
    // Only the paths of the wrong fields: the message itself may hold a position.
    const fields = result.error.issues.slice(0, 10).map((i) => i.path.map(String).join('.') || '(root)');
    this.log.warn({ seq: msg.seq, subject: msg.subject, fields }, 'dropped an invalid check-in submission');
    return null;
  }
}
