import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { IdentityClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import type { UserSummary } from '@classconnect/contracts';
import { buildReport, studentsOf, type BuiltReport } from './report-builder.js';
import { ReadyPublisher, ReportStore, type MarkRecord, type ReportUpdate, type SessionRecord, type StoredReport } from './report.ports.js';
import { incompleteOf, missingFor, readiness } from './wait-for-marks.js';

/** How soon a closed session asks again when marks it waits for have not arrived. */
export const MarkRetryMs = 500;

export type CloseOutcome = { done: true; report: StoredReport } | { done: true; reopened: true } | { done: false; retryInMs: number };
export type ChangeOutcome = { done: true } | { done: false; retryInMs: number };

/**
 * What a projected batch wrote about a session, besides its close: `by-hand`, changes of a status
 * by hand; `facts`, its opening, check-ins or marks (usually before the close; after it when late,
 * or replayed from the dead letters).
 */
export type SessionChange = 'by-hand' | 'facts';

/** Looking up a large class's names may take identity-service longer than the default wait. */
const UsersTimeoutMs = 10_000;

/** How many times a report update is recomputed when another instance updated it meanwhile. */
const UpdateAttempts = 5;

/** Builds a closed session's report once the projection holds what it needs, stores it once, announces it, and keeps it up to date. */
@Injectable()
export class ReportService {
  private readonly log = createLogger(ReportService.name);
  private readonly maxMarkWaitMs: number;

  constructor(
    @Inject(ReportStore) private readonly store: ReportStore,
    @Inject(IdentityClient) private readonly identity: IdentityClient,
    @Inject(ReadyPublisher) private readonly publisher: ReadyPublisher,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REPORT_CONFIG) config: Pick<ReportConfig, 'REPORT_MARK_WAIT_MS'>,
  ) {
    this.maxMarkWaitMs = config.REPORT_MARK_WAIT_MS;
  }

  /**
   * Called after a session.closed event is projected (and again on each redelivery). Safe to call
   * any number of times: the first stored report stands and is announced under one dedup key.
   * A report still waiting for something it needs is built anyway once `REPORT_MARK_WAIT_MS` has
   * passed, and records what was missing (`incomplete`).
   */
  async onSessionClosed(sessionId: string, correlationId?: string): Promise<CloseOutcome> {
    const stored = (await this.store.findReport(sessionId)) ?? (await this.buildFirst(sessionId));
    // Reopened since this close: there is no report to build until it closes again.
    if (stored === 'reopened') return { done: true, reopened: true };
    if (!stored) return { done: false, retryInMs: MarkRetryMs };
    const report = await this.announce(stored, correlationId);
    // A fact projected while this report was being built found no report to update (see
    // onSessionChanged), and this build may have read the projection before that fact committed:
    // an incomplete report reads the projection once more now that it is stored and announced.
    if (report.incomplete) await this.onSessionChanged(sessionId, 'facts', correlationId);
    return { done: true, report };
  }

  /**
   * Called after a batch that wrote something this session's report reads. Before the report is
   * built there is nothing to do: it will read it. While it is being built (the session is closed,
   * the report not stored yet), a change by hand is retried shortly, since the build may have read
   * the projection before it; a fact is not, since a report built without a fact it waits for is
   * incomplete and reads the projection again once stored. Once it is built, the report is rebuilt
   * from the projection and, if it changed, stored under the next revision and announced with
   * report.updated; an incomplete report says what is still missing, and nothing once complete.
   */
  async onSessionChanged(sessionId: string, change: SessionChange, correlationId?: string): Promise<ChangeOutcome> {
    for (let attempt = 0; attempt < UpdateAttempts; attempt++) {
      const report = await this.store.findReport(sessionId);
      if (!report) {
        if (change === 'facts') return { done: true };
        const session = await this.store.findSession(sessionId);
        return session?.closedAt ? { done: false, retryInMs: MarkRetryMs } : { done: true };
      }
      const session = await this.store.findSession(sessionId);
      if (!session) throw new Error(`report ${sessionId} has no projected session`);
      const marks = await this.store.marksOf(sessionId);
      // The people are those of the stored rows: only students new to the report are looked up.
      const known = new Map(report.rows.map((r): [string, UserSummary] => [r.studentId, { id: r.studentId, name: r.name, email: r.email, role: 'student' }]));
      const rebuilt = await this.build(session, marks, async (ids) => {
        const missing = ids.filter((id) => !known.has(id));
        return [...known.values(), ...(missing.length ? await this.identity.users(missing, { timeoutMs: UsersTimeoutMs }) : [])];
      });
      // A complete report stays complete; an incomplete one says what is still missing.
      const incomplete = report.incomplete ? incompleteOf(missingFor(session, marks)) : undefined;
      const update: ReportUpdate = { ...rebuilt, ...(incomplete ? { incomplete } : {}) };
      const revision = report.revision ?? 0;
      if (canonical(update.rows) === canonical(report.rows) && canonical(incomplete) === canonical(report.incomplete)) {
        // Nothing new (a redelivery): announce the current revision if that was missed.
        if (revision > (report.publishedRevision ?? 0)) await this.announceUpdate({ ...report, revision }, correlationId);
        return { done: true };
      }
      if (await this.store.updateReport(sessionId, revision, update)) {
        this.log.info(
          { sessionId, revision: revision + 1, presentCount: rebuilt.presentCount, absentCount: rebuilt.absentCount, change, ...(incomplete ? { incomplete } : {}) },
          report.incomplete && !incomplete ? 'report complete: the events it was built without arrived' : 'report updated',
        );
        const next: StoredReport = { ...report, ...update, revision: revision + 1 };
        if (!incomplete) delete next.incomplete;
        await this.announceUpdate(next, correlationId);
        return { done: true };
      }
    }
    throw new Error(`report ${sessionId} kept changing under ${UpdateAttempts} updates`);
  }

  /**
   * The sessions among these whose report is built: one read for a whole batch. Facts about the
   * others need nothing (onSessionChanged would find no report), which is nearly every session a
   * batch touches while classes are running.
   */
  async withReports(sessionIds: string[]): Promise<Set<string>> {
    return sessionIds.length ? this.store.builtAmong(sessionIds) : new Set();
  }

  /** Builds and stores a closed session's first report; null while it should wait for what it needs. */
  private async buildFirst(sessionId: string): Promise<StoredReport | null | 'reopened'> {
    const session = await this.store.findSession(sessionId);
    if (session && !session.closedAt && session.reopenedAt) return 'reopened';
    if (!session?.closedAt) throw new Error(`session ${sessionId} is not projected as closed`);
    const marks = await this.store.marksOf(sessionId);
    const ready = readiness(session, marks, this.clock.now(), this.maxMarkWaitMs);
    if (ready.kind === 'wait') return null;
    const incomplete = ready.kind === 'overdue' ? incompleteOf(ready) : undefined;
    if (incomplete) {
      this.log.warn(
        { sessionId, incomplete, waitedMs: this.maxMarkWaitMs },
        `building the report without ${incomplete.missingStudentIds.length} mark(s)${incomplete.openedMissing ? ' and without session.opened' : ''}: it is stored as incomplete and rebuilt when they arrive`,
      );
    }
    const built = await this.build(session, marks, (ids) => this.identity.users(ids, { timeoutMs: UsersTimeoutMs }));
    const stored = await this.store.saveReport({
      sessionId,
      courseId: session.courseId,
      builtAt: this.clock.now().toISOString(),
      ...(session.reopens ? { reopens: session.reopens } : {}),
      ...built,
      ...(incomplete ? { incomplete } : {}),
    });
    this.log.info({ sessionId, presentCount: stored.presentCount, absentCount: stored.absentCount, incomplete: Boolean(stored.incomplete) }, 'report built');
    return stored;
  }

  /** The report of the projection as it stands, from the marks the caller read (so `incomplete` agrees with the rows). */
  private async build(session: SessionRecord, marks: MarkRecord[], users: (ids: string[]) => Promise<UserSummary[]>): Promise<BuiltReport> {
    const enrolledIds = session.enrolledIds ?? [];
    const presentIds = session.presentIds ?? [];
    const [lastRejections, overrides, people] = await Promise.all([
      this.store.lastRejectionsOf(session.sessionId),
      this.store.overridesOf(session.sessionId),
      users(studentsOf({ enrolledIds, presentIds, marks })),
    ]);
    return buildReport({ enrolledIds, presentIds, marks, lastRejections, users: people, overrides });
  }

  /**
   * Announces the report's current revision if it is newer than the last one announced, for a
   * change written outside this service's rebuilds (an erasure). A report not announced as ready
   * yet is left alone: report.ready, when it goes, carries it as it is.
   */
  async announceCurrentRevision(sessionId: string, correlationId?: string): Promise<void> {
    const report = await this.store.findReport(sessionId);
    if (!report?.publishedAt || (report.revision ?? 0) <= (report.publishedRevision ?? 0)) return;
    await this.announceUpdate(report, correlationId);
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
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
