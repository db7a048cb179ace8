import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { Clock } from '../reports/report.ports.js';
import { ReportService } from '../reports/report.service.js';
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
 * batch closes. Returns the messages to redeliver later (by index) with their delay; the rest may
 * be acked. If the projection itself fails, it throws and the whole batch is redelivered.
 */
@Injectable()
export class ProjectionService {
  private readonly log = createLogger(ProjectionService.name);

  constructor(
    @Inject(ProjectionStore) private readonly store: ProjectionStore,
    @Inject(ReportService) private readonly reports: ReportService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handleBatch(items: IncomingEvent[]): Promise<Map<number, number>> {
    const events: AttendanceEvent[] = [];
    const closes = new Map<string, number[]>();
    const changes = new Map<string, number[]>();
    items.forEach((item, index) => {
      const decoded = decodeAttendanceEvent(item.subject, item.data);
      if (!decoded.ok) {
        if (decoded.ignored) this.log.debug({ subject: item.subject }, 'ignored an event this version does not project');
        else this.log.warn({ subject: item.subject, seq: item.seq, error: decoded.error }, 'skipped an invalid event');
        return;
      }
      events.push(decoded.event);
      if (decoded.event.kind === EventSubjects.sessionClosed) {
        const sessionId = decoded.event.data.sessionId;
        closes.set(sessionId, [...(closes.get(sessionId) ?? []), index]);
      }
      if (decoded.event.kind === EventSubjects.markChanged) {
        const sessionId = decoded.event.data.sessionId;
        changes.set(sessionId, [...(changes.get(sessionId) ?? []), index]);
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
    // Changes by hand after the reports of this batch's closes were tried: a change and the close
    // of its session in one batch then finds the report built.
    await Promise.all(
      [...changes].map(async ([sessionId, indexes]) => {
        const delay = await this.updateDelay(sessionId, indexes.map((i) => items[i]!));
        if (delay !== undefined) for (const i of indexes) retry.set(i, delay);
      }),
    );
    return retry;
  }

  /** Brings a built report up to date with changes by hand; returns when to try again, or undefined when done. */
  private async updateDelay(sessionId: string, changes: IncomingEvent[]): Promise<number | undefined> {
    try {
      const outcome = await this.reports.onMarksChanged(sessionId, changes[0]?.correlationId);
      return outcome.done ? undefined : outcome.retryInMs;
    } catch (err) {
      const deliveries = Math.max(...changes.map((c) => c.deliveryCount));
      this.log.error({ err, sessionId, deliveryCount: deliveries }, 'could not update the report yet; will retry');
      return Math.min(500 * 2 ** Math.min(deliveries, 5), 15_000);
    }
  }

  /** Tries to build a closed session's report; returns when to try again, or undefined when done. */
  private async reportDelay(sessionId: string, closes: IncomingEvent[]): Promise<number | undefined> {
    try {
      const outcome = await this.reports.onSessionClosed(sessionId, closes[0]?.correlationId);
      return outcome.done ? undefined : outcome.retryInMs;
    } catch (err) {
      const deliveries = Math.max(...closes.map((c) => c.deliveryCount));
      this.log.error({ err, sessionId, deliveryCount: deliveries }, 'could not build the report yet; will retry');
      return Math.min(500 * 2 ** Math.min(deliveries, 5), 15_000);
    }
  }
}
