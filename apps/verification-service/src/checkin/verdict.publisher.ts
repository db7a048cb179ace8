import { Injectable } from '@nestjs/common';
import { EventSubjects, rejectionReasonV1, rejectionReasonV2 } from '@classconnect/contracts';
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
      const verified = this.events.publish(
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
      // Check-in flags: this check-in's, then those it brought on earlier check-ins. They leave with
      // the verdict, after it, in one write.
      const notices = [...(v.flags?.length ? [{ sessionId: v.sessionId, courseId: v.courseId, studentId: v.studentId, submissionId: v.submissionId, flags: v.flags }] : []), ...(v.earlierFlags ?? [])];
      const flagged = notices.map((n) => {
        const codes = n.flags.map((f) => f.code).sort().join('+');
        return this.events.publish(
          EventSubjects.checkinFlagged,
          { sessionId: n.sessionId, courseId: n.courseId, studentId: n.studentId, submissionId: n.submissionId, flags: n.flags, flaggedAt: v.at },
          { dedupKey: `flagged:${n.submissionId}:${codes}:${v.submissionId}`, about: n.sessionId, ...(correlationId ? { correlationId } : {}) },
        );
      });
      await Promise.all([verified, ...flagged]);
    } else {
      const fact = {
        submissionId: v.submissionId,
        sessionId: v.sessionId,
        studentId: v.studentId,
        message: v.message,
        rejectedAt: v.at,
        ...(v.courseId !== undefined ? { courseId: v.courseId } : {}),
        ...(v.distanceM !== undefined ? { distanceM: v.distanceM } : {}),
        ...(v.accuracyM !== undefined ? { accuracyM: v.accuracyM } : {}),
      };
      // v3 (every reason) first, so a consumer that sees v2 or v1 finds v3 earlier in the stream: the
      // three leave together in this order, in one write, and are stored in it (should one fail, the
      // redelivery publishes all three again and the stream keeps the first copy of each).
      // v2 and v1 carry the nearest reason each knows, and the same sentence.
      await Promise.all([
        this.events.publish(EventSubjects.checkinRejectedV3, { ...fact, reason: v.reason }, { ...opts, dedupKey: `verdict.v3:${v.submissionId}` }),
        this.events.publish(EventSubjects.checkinRejectedV2, { ...fact, reason: rejectionReasonV2(v.reason) }, { ...opts, dedupKey: `verdict.v2:${v.submissionId}` }),
        this.events.publish(EventSubjects.checkinRejected, { ...fact, reason: rejectionReasonV1(v.reason) }, opts),
      ]);
    }
  }
}
