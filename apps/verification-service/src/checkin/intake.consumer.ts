import { Inject, Injectable } from '@nestjs/common';
import { CorrelationHeader, IntakeSubject, Streams, type CheckinSubmission } from '@classconnect/contracts';
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

  /**
   * Only the gateway may publish on the intake subject (NATS permissions), and it builds each
   * submission from a socket payload it has parsed against the contract: the submission is typed here,
   * not parsed again on this hop. Its shape is made sure of, so a stray message is dropped (acked)
   * rather than failing on every redelivery.
   */
  private parse(msg: ConsumedMessage): CheckinSubmission | null {
    let body: unknown;
    try {
      body = msg.json();
    } catch {
      this.log.warn({ seq: msg.seq, subject: msg.subject }, 'dropped an intake message that is not JSON');
      return null;
    }
    const missing = missingParts(body);
    if (missing.length === 0) return body as CheckinSubmission;
    // Only the names of the missing parts: the message itself may hold a position.
    this.log.warn({ seq: msg.seq, subject: msg.subject, fields: missing }, 'dropped an invalid check-in submission');
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parts of a check-in submission that deciding it reads and that `body` lacks or has of another type. */
export function missingParts(body: unknown): string[] {
  if (!isObject(body)) return ['(root)'];
  const missing: string[] = [];
  for (const key of ['submissionId', 'sessionId', 'studentId', 'submittedAt'] as const) if (typeof body[key] !== 'string') missing.push(key);
  const { assertion, position } = body;
  if (!isObject(assertion) || typeof assertion.id !== 'string' || typeof assertion.rawId !== 'string' || !isObject(assertion.response)) missing.push('assertion');
  else for (const key of ['clientDataJSON', 'authenticatorData', 'signature'] as const) if (typeof assertion.response[key] !== 'string') missing.push(`assertion.response.${key}`);
  if (!isObject(position)) missing.push('position');
  else for (const key of ['latitude', 'longitude', 'accuracy'] as const) if (typeof position[key] !== 'number' || !Number.isFinite(position[key])) missing.push(`position.${key}`);
  return missing;
}
