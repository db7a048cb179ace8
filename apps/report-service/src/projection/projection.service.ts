import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { EventSubjects } from '@classconnect/contracts';
import { isTransientError, retryDelay } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { ReportService, type SessionChange } from '../reports/report.service.js';
import { WarningsService } from '../warnings/warnings.service.js';
import { decodeAttendanceEvent, type AttendanceEvent } from './attendance-event.js';
import { ProjectionStore, toProjectionBatch } from './projection-batch.js';

/** One message of the stream, as the projection sees it. */
export interface IncomingEvent {
  data: Uint8Array;
  subject: string;
  seq: number;
  deliveryCount: number;
  correlationId?: string;
}

/**
 * Projects a batch of ATTENDANCE events, then tries to build the report of every session the
 * batch closes, then brings the built reports of the other sessions it touches up to date (changes
 * by hand, and facts that arrived after the report was built), deciding the course's attendance
 * warnings after each report built or brought up to date. Returns the messages to redeliver
 * later (by index) with their delay; the rest may be acked. If the projection itself fails, it
 * throws and the whole batch is redelivered.
 */
@Injectable()
export class ProjectionService {
  private readonly log = createLogger(ProjectionService.name);

  constructor(
    @Inject(ProjectionStore) private readonly store: ProjectionStore,
    @Inject(ReportService) private readonly reports: ReportService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WarningsService) private readonly warnings: Pick<WarningsService, 'onReportChanged'>,
  ) {}

  async handleBatch(items: IncomingEvent[]): Promise<Map<number, number>> {
    const events: AttendanceEvent[] = [];
    const closes = new Map<string, number[]>();
    const changes = new Map<string, { change: SessionChange; indexes: number[] }>();
    items.forEach((item, index) => {
      const decoded = decodeAttendanceEvent(item.subject, item.data);
      if (!decoded.ok) {
        if (decoded.ignored) this.log.debug({ subject: item.subject }, 'ignored an event this version does not project');
        else this.log.warn({ subject: item.subject, seq: item.seq, error: decoded.error }, 'skipped an invalid event');
        return;
      }
      events.push(decoded.event);
      const sessionId = decoded.event.data.sessionId;
      const change = changeOf(decoded.event);
      if (decoded.event.kind === EventSubjects.sessionClosed) closes.set(sessionId, [...(closes.get(sessionId) ?? []), index]);
      else if (change) {
        const seen = changes.get(sessionId);
        changes.set(sessionId, { change: seen?.change === 'by-hand' ? 'by-hand' : change, indexes: [...(seen?.indexes ?? []), index] });
      }
    });
    if (events.length > 0) await this.store.apply(toProjectionBatch(events), this.clock.now());

    const retry = new Map<number, number>();
    await Promise.all(
      [...closes].map(async ([sessionId, indexes]) => {
        const delay = await this.reportDelay(sessionId, indexes.map((i) => items[i]!));
        if (delay !== undefined) for (const i of indexes) retry.set(i, delay);
      }),
    );
    // After the reports of this batch's closes were tried: a change and the close of its session in
    // one batch then finds the report built. Facts of a session closed in this batch are left out
    // (its report, if built, read them), and so are facts of a session whose report is not built.
    const facts = [...changes].filter(([sessionId, { change }]) => change === 'facts' && !closes.has(sessionId)).map(([sessionId]) => sessionId);
    const built = await this.reports.withReports(facts);
    await Promise.all(
      [...changes]
        .filter(([sessionId, { change }]) => change === 'by-hand' || built.has(sessionId))
        .map(async ([sessionId, { change, indexes }]) => {
          const delay = await this.updateDelay(sessionId, change, indexes.map((i) => items[i]!));
          if (delay !== undefined) for (const i of indexes) retry.set(i, delay);
        }),
    );
    return retry;
  }

  /** Brings a built report up to date with what the batch wrote; returns when to try again, or undefined when done. */
  private async updateDelay(sessionId: string, change: SessionChange, events: IncomingEvent[]): Promise<number | undefined> {
    try {
      const outcome = await this.reports.onSessionChanged(sessionId, change, events[0]?.correlationId);
      if (!outcome.done) return outcome.retryInMs;
      await this.warnings.onReportChanged(sessionId, events[0]?.correlationId);
      return undefined;
    } catch (err) {
      return this.retryIfTransient(err, sessionId, events, 'could not update the report yet; will retry');
    }
  }

  /** Tries to build a closed session's report; returns when to try again, or undefined when done. */
  private async reportDelay(sessionId: string, closes: IncomingEvent[]): Promise<number | undefined> {
    try {
      const outcome = await this.reports.onSessionClosed(sessionId, closes[0]?.correlationId);
      if (!outcome.done) return outcome.retryInMs;
      if ('reopened' in outcome) return undefined;
      // The report as it stands decides the course's warnings; a redelivery decides again (no change).
      await this.warnings.onReportChanged(sessionId, closes[0]?.correlationId);
      return undefined;
    } catch (err) {
      return this.retryIfTransient(err, sessionId, closes, 'could not build the report yet; will retry');
    }
  }

  /**
   * A database or NATS that is down: ask for the message again shortly (not counted as a failure).
   * Anything else is thrown, so the consumer counts it and, after its limit, sets the message
   * aside instead of retrying a report that can never be built forever.
   */
  private retryIfTransient(err: unknown, sessionId: string, events: IncomingEvent[], what: string): number {
    if (!isTransientError(err)) throw err;
    const deliveries = Math.max(...events.map((c) => c.deliveryCount));
    this.log.warn({ err, sessionId, deliveryCount: deliveries }, what);
    return retryDelay(deliveries);
  }
}

/**
 * What an event changes in its session's report, besides a close. Flags are read with the report,
 * not stored in it; a verified check-in counts through its mark.
 */
function changeOf(event: AttendanceEvent): SessionChange | undefined {
  switch (event.kind) {
    case EventSubjects.markChanged:
      return 'by-hand';
    case EventSubjects.sessionOpened:
    case EventSubjects.markRecorded:
    case EventSubjects.markRecordedV2:
    case EventSubjects.checkinRejected:
    case EventSubjects.checkinRejectedV2:
    case EventSubjects.checkinRejectedV3:
      return 'facts';
    default:
      return undefined;
  }
}
