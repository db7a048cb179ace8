import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';
import { ReadyPublisher, type StoredReport } from './report.ports.js';

/** Publishes attendance.report.ready.v1, once per session (the dedup key is the session's). */
@Injectable()
export class ReportReadyPublisher extends ReadyPublisher {
  constructor(@Inject(EventPublisher) private readonly events: EventPublisher) {
    super();
  }

  async reportReady(report: StoredReport, correlationId?: string): Promise<void> {
    await this.events.publish(
      EventSubjects.reportReady,
      {
        sessionId: report.sessionId,
        courseId: report.courseId,
        presentCount: report.presentCount,
        absentCount: report.absentCount,
        readyAt: report.builtAt,
      },
      { dedupKey: `report.ready:${report.sessionId}`, about: report.sessionId, ...(correlationId ? { correlationId } : {}) },
    );
  }
}
