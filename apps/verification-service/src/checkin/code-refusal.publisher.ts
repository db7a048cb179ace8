import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventSubjects, type EventData } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';

export type CodeRefusal = EventData<typeof EventSubjects.checkinCodeRefused>;

/** Announces a QR code refused at checkin:begin, so the teacher's live roster shows "needs retry". */
export abstract class CodeRefusalPublisher {
  abstract publish(refusal: CodeRefusal, correlationId?: string): Promise<void>;
}

@Injectable()
export class EventCodeRefusalPublisher extends CodeRefusalPublisher {
  constructor(private readonly events: EventPublisher) {
    super();
  }

  async publish(refusal: CodeRefusal, correlationId?: string): Promise<void> {
    // Each begin is an attempt of its own (a student who begins again makes a new one): nothing to deduplicate.
    await this.events.publish(EventSubjects.checkinCodeRefused, refusal, {
      dedupKey: `code-refused:${refusal.sessionId}:${refusal.studentId}:${randomUUID()}`,
      about: refusal.sessionId,
      ...(correlationId ? { correlationId } : {}),
    });
  }
}
