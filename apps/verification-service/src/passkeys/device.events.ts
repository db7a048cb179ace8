import { Injectable } from '@nestjs/common';
import { EventSubjects, type EventData } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';

type Requested = EventData<typeof EventSubjects.deviceApprovalRequested>;
type Decided = EventData<typeof EventSubjects.deviceDecided>;

/** Announces device-binding facts on DIRECTORY. A retry publishes the same event id (deduplicated). */
export abstract class DeviceEvents {
  abstract approvalRequested(fact: Requested, correlationId?: string): Promise<void>;
  abstract decided(fact: Decided, correlationId?: string): Promise<void>;
}

@Injectable()
export class JetStreamDeviceEvents extends DeviceEvents {
  constructor(private readonly events: EventPublisher) {
    super();
  }

  async approvalRequested(fact: Requested, correlationId?: string): Promise<void> {
    await this.events.publish(EventSubjects.deviceApprovalRequested, fact, {
      dedupKey: `device.requested:${fact.credentialId}`,
      about: fact.studentId,
      ...(correlationId ? { correlationId } : {}),
    });
  }

  async decided(fact: Decided, correlationId?: string): Promise<void> {
    await this.events.publish(EventSubjects.deviceDecided, fact, {
      dedupKey: `device.decided:${fact.credentialId}:${fact.decision}`,
      about: fact.studentId,
      ...(correlationId ? { correlationId } : {}),
    });
  }
}
