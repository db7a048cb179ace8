import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Streams } from '@classconnect/contracts';
import { DurableConsumer, NATS_CONNECTION, type ConsumedMessage, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { AuditedAttendanceSubjects } from './audit-entry.js';
import { AuditService } from './audit.service.js';

/** Durable names: the audit log's place in each stream survives restarts of identity-service. */
export const AuditDurables = { directory: 'identity-audit-directory', attendance: (subject: string) => `identity-audit-${subject.replace(/\./g, '-')}` } as const;

/**
 * Reads every DIRECTORY event and the session and hand-marking events of ATTENDANCE into the
 * audit log, acking each only after its row is committed. A restarted identity-service resumes
 * where it stopped; a replayed event finds its row and changes nothing.
 */
@Injectable()
export class AuditConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger(AuditConsumer.name);
  private readonly consumers: DurableConsumer[];

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    this.consumers = [
      new DurableConsumer(nc, { stream: Streams.directory.name, durable: AuditDurables.directory, filterSubjects: ['directory.>'] }),
      // One durable per subject: a consumer with several filter subjects needs NATS 2.10, which not every install has.
      ...AuditedAttendanceSubjects.map(
        (subject) => new DurableConsumer(nc, { stream: Streams.attendance.name, durable: AuditDurables.attendance(subject), filterSubjects: [subject] }),
      ),
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const consumer of this.consumers) await consumer.start((msg) => this.handle(msg));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  private async handle(msg: ConsumedMessage): Promise<void> {
    let event;
    try {
      event = decodeEvent(msg.data);
    } catch (err) {
      // Not a CloudEvent: nothing can be recorded from it, and retrying will not change that.
      this.log.warn({ err, subject: msg.subject, seq: msg.seq }, 'skipped a message that is not a valid event');
      return;
    }
    await this.audit.record(msg.subject, event);
  }
}
