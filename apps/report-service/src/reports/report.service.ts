import { Inject, Injectable } from '@nestjs/common';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import type { UserSummary } from '@classconnect/contracts';
import { buildReport, studentsOf, type BuiltReport } from './report-builder.js';
import { Clock, ReadyPublisher, ReportStore, UserDirectory, type SessionRecord, type StoredReport } from './report.ports.js';
import { readiness } from './wait-for-marks.js';

/** How soon a closed session asks again when marks it waits for have not arrived. */
export const MarkRetryMs = 500;

export type CloseOutcome = { done: true; report: StoredReport } | { done: false; retryInMs: number };
export type ChangeOutcome = { done: true } | { done: false; retryInMs: number };

/** How many times a report update is recomputed when another instance updated it meanwhile. */
const UpdateAttempts = 5;

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

    const built = await this.build(session, (ids) => this.directory.users(ids));
    const stored = await this.store.saveReport({
      sessionId,
      courseId: session.courseId,
      builtAt: this.clock.now().toISOString(),
      ...built,
    });
    this.log.info({ sessionId, presentCount: stored.presentCount, absentCount: stored.absentCount }, 'report built');
    return { done: true, report: await this.announce(stored, correlationId) };
  }

  /**
   * Called after a batch holding changes by hand to this session's marks was projected. Before the
   * report is built there is nothing to do: it will read the changes. While it is being built (the
   * session is closed, the report not stored yet) the change is retried shortly. Once it is built,
   * the report is rebuilt from the projection and, if it changed, stored under the next revision
   * and announced with report.updated.
   */
  async onMarksChanged(sessionId: string, correlationId?: string): Promise<ChangeOutcome> {
    for (let attempt = 0; attempt < UpdateAttempts; attempt++) {
      const report = await this.store.findReport(sessionId);
      if (!report) {
        const session = await this.store.findSession(sessionId);
        return session?.closedAt ? { done: false, retryInMs: MarkRetryMs } : { done: true };
      }
      const session = await this.store.findSession(sessionId);
      if (!session) throw new Error(`report ${sessionId} has no projected session`);
      // The people are those of the stored rows: every student a change can name already has one.
      const known = new Map(report.rows.map((r): [string, UserSummary] => [r.studentId, { id: r.studentId, name: r.name, email: r.email, role: 'student' }]));
      const rebuilt = await this.build(session, async (ids) => {
        const missing = ids.filter((id) => !known.has(id));
        return [...known.values(), ...(missing.length ? await this.directory.users(missing) : [])];
      });
      const revision = report.revision ?? 0;
      if (canonical(rebuilt.rows) === canonical(report.rows)) {
        // Nothing new (a redelivered change): announce the current revision if that was missed.
        if (revision > (report.publishedRevision ?? 0)) await this.announceUpdate({ ...report, revision }, correlationId);
        return { done: true };
      }
      if (await this.store.updateReport(sessionId, revision, rebuilt)) {
        this.log.info({ sessionId, revision: revision + 1, presentCount: rebuilt.presentCount, absentCount: rebuilt.absentCount }, 'report updated after a change by hand');
        await this.announceUpdate({ ...report, ...rebuilt, revision: revision + 1 }, correlationId);
        return { done: true };
      }
    }
    throw new Error(`report ${sessionId} kept changing under ${UpdateAttempts} updates`);
  }

  private async build(session: SessionRecord, users: (ids: string[]) => Promise<UserSummary[]>): Promise<BuiltReport> {
    const enrolledIds = session.enrolledIds ?? [];
    const presentIds = session.presentIds ?? [];
    const marks = await this.store.marksOf(session.sessionId);
    const [lastRejections, overrides, people] = await Promise.all([
      this.store.lastRejectionsOf(session.sessionId),
      this.store.overridesOf(session.sessionId),
      users(studentsOf({ enrolledIds, presentIds, marks })),
    ]);
    return buildReport({ enrolledIds, presentIds, marks, lastRejections, users: people, overrides });
  }

  private async announceUpdate(report: StoredReport, correlationId?: string): Promise<void> {
    await this.publisher.reportUpdated(report, correlationId);
    await this.store.markUpdatePublished(report.sessionId, report.revision ?? 0);
  }

  private async announce(report: StoredReport, correlationId?: string): Promise<StoredReport> {
    if (report.publishedAt) return report;
    await this.publisher.reportReady(report, correlationId);
    const at = this.clock.now();
    await this.store.markPublished(report.sessionId, at);
    return { ...report, publishedAt: at.toISOString() };
  }
}

/** JSON with object keys sorted: rows read back from jsonb come with their keys reordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
