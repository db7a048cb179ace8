import { Injectable } from '@nestjs/common';
import { EventSubjects } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';
import type { Verdict } from './verdict.js';

/** Announces a verdict. Publishing the same verdict again is harmless: it is deduplicated by its key. */
export abstract class VerdictPublisher {
  abstract publish(verdict: Verdict, correlationId?: string): Promise<void>;
}

@Injectable()
export class EventVerdictPublisher extends VerdictPublisher {
  constructor(private readonly events: EventPublisher) {
    super();
  }

  async publish(v: Verdict, correlationId?: string): Promise<void> {
    const opts = { dedupKey: `verdict:${v.submissionId}`, about: v.sessionId, ...(correlationId ? { correlationId } : {}) };
    if (v.outcome === 'verified') {
      await this.events.publish(
        EventSubjects.checkinVerified,
        {
          submissionId: v.submissionId,
          sessionId: v.sessionId,
          courseId: v.courseId,
          studentId: v.studentId,
          distanceM: v.distanceM,
          accuracyM: v.accuracyM,
          methods: v.methods,
          verifiedAt: v.at,
        },
        opts,
      );
    } else {
      await this.events.publish(
        EventSubjects.checkinRejected,
        {
          submissionId: v.submissionId,
          sessionId: v.sessionId,
          studentId: v.studentId,
          reason: v.reason,
          message: v.message,
          rejectedAt: v.at,
          ...(v.courseId !== undefined ? { courseId: v.courseId } : {}),
          ...(v.distanceM !== undefined ? { distanceM: v.distanceM } : {}),
          ...(v.accuracyM !== undefined ? { accuracyM: v.accuracyM } : {}),
        },
        opts,
      );
    }
  }
}
