import { Inject, Injectable } from '@nestjs/common';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { buildReport, studentsOf } from './report-builder.js';
import { Clock, ReadyPublisher, ReportStore, UserDirectory, type StoredReport } from './report.ports.js';
import { readiness } from './wait-for-marks.js';

/** How soon a closed session asks again when marks it waits for have not arrived. */
export const MarkRetryMs = 500;

export type CloseOutcome = { done: true; report: StoredReport } | { done: false; retryInMs: number };

export interface ReportServiceOptions {
  maxMarkWaitMs: number;
}

/** Builds a closed session's report once the projection holds what it needs, stores it once, announces it. */
@Injectable()
export class ReportService {
  private readonly log = createLogger(ReportService.name);
  private readonly maxMarkWaitMs: number;

  constructor(
    @Inject(ReportStore) private readonly store: ReportStore,
    @Inject(UserDirectory) private readonly directory: UserDirectory,
    @Inject(ReadyPublisher) private readonly publisher: ReadyPublisher,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REPORT_CONFIG) config: Pick<ReportConfig, 'REPORT_MARK_WAIT_MS'>,
  ) {
    this.maxMarkWaitMs = config.REPORT_MARK_WAIT_MS;
  }

  /**
   * Called after a session.closed event is projected (and again on each redelivery). Safe to call
   * any number of times: the first stored report stands and is announced under one dedup key.
   */
  async onSessionClosed(sessionId: string, correlationId?: string): Promise<CloseOutcome> {
    const existing = await this.store.findReport(sessionId);
    if (existing) return { done: true, report: await this.announce(existing, correlationId) };

    const session = await this.store.findSession(sessionId);
    if (!session?.closedAt) throw new Error(`session ${sessionId} is not projected as closed`);
    const marks = await this.store.marksOf(sessionId);
    const ready = readiness(session, marks, this.clock.now(), this.maxMarkWaitMs);
    if (ready.kind === 'wait') return { done: false, retryInMs: MarkRetryMs };
    if (ready.kind === 'overdue') {
      this.log.warn(
        { sessionId, missingStudentIds: ready.missingMarks, openedMissing: ready.openedMissing, waitedMs: this.maxMarkWaitMs },
        `building the report without ${ready.missingMarks.length} mark(s)${ready.openedMissing ? ' and without session.opened' : ''}: ${ready.missingMarks.join(', ')}`,
      );
    }

    const enrolledIds = session.enrolledIds ?? [];
    const presentIds = session.presentIds ?? [];
    const [lastRejections, users] = await Promise.all([
      this.store.lastRejectionsOf(sessionId),
      this.directory.users(studentsOf({ enrolledIds, presentIds, marks })),
    ]);
    const built = buildReport({ enrolledIds, presentIds, marks, lastRejections, users });
    const stored = await this.store.saveReport({
      sessionId,
      courseId: session.courseId,
      builtAt: this.clock.now().toISOString(),
      ...built,
    });
    this.log.info({ sessionId, presentCount: stored.presentCount, absentCount: stored.absentCount }, 'report built');
    return { done: true, report: await this.announce(stored, correlationId) };
  }

  private async announce(report: StoredReport, correlationId?: string): Promise<StoredReport> {
    if (report.publishedAt) return report;
    await this.publisher.reportReady(report, correlationId);
    const at = this.clock.now();
    await this.store.markPublished(report.sessionId, at);
    return { ...report, publishedAt: at.toISOString() };
  }
}
