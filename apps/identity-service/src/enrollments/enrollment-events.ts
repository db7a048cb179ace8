import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';
import type { EnrollmentPair } from './enrollment.repository.js';

export interface EnrollmentChange extends EnrollmentPair {
  change: 'added' | 'removed';
}

/** How many events are in flight at once: a 2,000-line import publishes its events in a few round trips. */
const Parallel = 256;

/**
 * Publishes `directory.enrollment.changed.v1`, one event per change, after the change is committed.
 * The dedup key names the operation (`batchId`), so a retry of the same publish is stored once.
 */
@Injectable()
export class EnrollmentEvents {
  constructor(@Inject(EventPublisher) private readonly events: Pick<EventPublisher, 'publish'>) {}

  async publish(
    changes: readonly EnrollmentChange[],
    meta: { via: 'manual' | 'import'; changedBy: string; batchId: string; correlationId?: string },
  ): Promise<void> {
    const changedAt = new Date().toISOString();
    for (let i = 0; i < changes.length; i += Parallel) {
      await Promise.all(
        changes.slice(i, i + Parallel).map((c) =>
          this.events.publish(
            EventSubjects.enrollmentChanged,
            { courseId: c.courseId, studentId: c.studentId, change: c.change, via: meta.via, changedBy: meta.changedBy, changedAt },
            { dedupKey: `enrollment:${meta.batchId}:${c.courseId}:${c.studentId}:${c.change}`, about: c.courseId, correlationId: meta.correlationId },
          ),
        ),
      );
    }
  }
}
