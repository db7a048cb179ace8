import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';
import { countStatuses } from './report-builder.js';
import { ReadyPublisher, type StoredReport } from './report.ports.js';

/**
 * Publishes attendance.report.ready.v1, once per session and close (the dedup key is the session's,
 * with how many times it was reopened), and
 * attendance.report.updated.v1 once per revision of a report changed after it was ready; each
 * says what is missing while the report is incomplete.
 */
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
        ...(report.incomplete ? { incomplete: report.incomplete } : {}),
      },
      { dedupKey: `report.ready:${report.sessionId}${generation(report)}`, about: report.sessionId, ...(correlationId ? { correlationId } : {}) },
    );
  }

  async reportUpdated(report: StoredReport, correlationId?: string): Promise<void> {
    const revision = report.revision ?? 0;
    await this.events.publish(
      EventSubjects.reportUpdated,
      {
        sessionId: report.sessionId,
        courseId: report.courseId,
        presentCount: report.presentCount,
        absentCount: report.absentCount,
        counts: countStatuses(report.rows),
        revision,
        updatedAt: new Date().toISOString(),
        ...(report.incomplete ? { incomplete: report.incomplete } : {}),
      },
      { dedupKey: `report.updated:${report.sessionId}${generation(report)}:${revision}`, about: report.sessionId, ...(correlationId ? { correlationId } : {}) },
    );
  }
}

/** The report of a reopened session's later close is another report: its events go under keys of their own. */
function generation(report: StoredReport): string {
  return report.reopens ? `:r${report.reopens}` : '';
}
