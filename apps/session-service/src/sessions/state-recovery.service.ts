import { randomUUID } from 'node:crypto';
import {
  EventSchemas,
  EventSubjects,
  EventTypePrefix,
  SystemActorId,
  type CloudEvent,
  type EventData,
  type EventSubject,
} from '@classconnect/contracts';
import type { Clock } from '@classconnect/config';
import type { EventSink, IdentityClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import type { AttendanceHistory } from './attendance-history.js';
import type { LostSession, SessionStore, StoredMark, StoredOverride } from './session.model.js';
import { publishSessionClosed } from './session-closed.events.js';

type Opened = EventData<typeof EventSubjects.sessionOpened>;

/** The part of StateRecovery that SessionService uses when a session it is asked about is missing. */
export interface LossCheck {
  /** Looks whether Redis lost everything; if so closes the lost sessions first. True when it did. */
  afterMiss(): Promise<boolean>;
}

export interface StateRecoveryDeps {
  newId?: () => string;
  /** The sessions' maximum length: no session opened longer ago than this (and a margin) can still be open. */
  maxSessionSeconds?: number;
}

/** Sessions opened this much longer ago than the maximum length are also looked at (a sweep may have been late). */
export const ScanMarginSeconds = 60 * 60;

/**
 * Notices that Redis came back empty and closes the sessions it lost, with the reason `state-lost`.
 *
 * Why close rather than rebuild: the stream holds what a session's report needs (who was enrolled,
 * every accepted mark, every change by hand), but not what an open session needs to take more
 * check-ins: the fence's centre (the teacher's position, never in a public event) and the QR secret
 * (likewise). So the lost sessions are written back closed, from the stream, and announced closed:
 * report-service builds their reports from the marks it already has, the teacher sees why, and can
 * start a new session at once (the course is free: its open key went with the rest).
 *
 * How the loss is noticed: an epoch key holds a random id, written when the store is found without
 * one. Every instance remembers the epoch it last saw; the key missing, or a new one not yet marked
 * recovered, means Redis lost everything since. It is looked at by the sweep (every few seconds),
 * at start, and whenever a session someone asks about is not found. A recovery only ever writes a
 * session the store does not hold, and the close event's dedup key is the session's, so several
 * instances recovering at once, or a recovery started again after a crash, change nothing more.
 */
export class StateRecovery implements LossCheck {
  private readonly newId: () => string;
  private readonly maxSessionSeconds: number;
  private readonly log = createLogger(StateRecovery.name);
  /** The epoch this instance last saw with its lost sessions closed. */
  private known?: string;
  private running?: Promise<boolean>;

  constructor(
    private readonly store: SessionStore,
    private readonly history: AttendanceHistory,
    private readonly identity: IdentityClient,
    private readonly events: EventSink,
    private readonly clock: Clock,
    deps: StateRecoveryDeps = {},
  ) {
    this.newId = deps.newId ?? randomUUID;
    this.maxSessionSeconds = deps.maxSessionSeconds ?? 4 * 60 * 60;
  }

  afterMiss(): Promise<boolean> {
    return this.check();
  }

  /** One look at the epoch (one at a time: a caller arriving meanwhile shares the look in progress). Throws if Redis or NATS fail; the next look tries again. */
  check(correlationId?: string): Promise<boolean> {
    this.running ??= this.look(correlationId).finally(() => (this.running = undefined));
    return this.running;
  }

  private async look(correlationId?: string): Promise<boolean> {
    const { epoch, recovered } = await this.store.epochState();
    if (epoch !== null && (epoch === this.known || epoch === recovered)) {
      this.known = epoch;
      return false;
    }
    // No epoch: the store is empty (Redis lost everything, or this is its first use). An epoch not
    // marked recovered: another instance noticed first and has not finished (it may have crashed).
    const claimed = await this.store.claimEpoch(this.newId());
    // At start this is usual (a new Redis, or one another instance is still recovering); after an epoch was seen, it means Redis lost its data.
    const details = { epoch: claimed, previous: this.known ?? null };
    if (this.known) this.log.warn(details, 'the live session store lost its data; closing the sessions it held');
    else this.log.info(details, 'no recovered epoch in the live session store; looking for sessions it lost');
    const closed = await this.recover(correlationId);
    await this.store.markRecovered(claimed);
    this.known = claimed;
    if (closed.length > 0) this.log.error({ sessionIds: closed, count: closed.length }, 'live session state was lost; these sessions were closed (state-lost)');
    return true;
  }

  /**
   * Closes every session the stream says is open but the store does not hold. Returns their ids.
   * A session still in the store is left alone (on a first use of an old store, that is all of them).
   */
  async recover(correlationId?: string): Promise<string[]> {
    const since = new Date(this.clock.now().getTime() - (this.maxSessionSeconds + ScanMarginSeconds) * 1000);
    const unclosed = new Map<string, Opened>();
    // A session stopped and then reopened is open again; its opened event is kept for that.
    const openedById = new Map<string, Opened>();
    const reopens = new Map<string, number>();
    await this.history.scan('attendance.session.>', since, (e) => {
      const opened = dataOf(e, EventSubjects.sessionOpened);
      if (opened) (unclosed.set(opened.sessionId, opened), openedById.set(opened.sessionId, opened));
      const closed = dataOf(e, EventSubjects.sessionClosed);
      if (closed) unclosed.delete(closed.sessionId);
      const reopened = dataOf(e, EventSubjects.sessionReopened);
      const reopenedFrom = reopened && openedById.get(reopened.sessionId);
      if (reopened && reopenedFrom) {
        unclosed.set(reopened.sessionId, reopenedFrom);
        reopens.set(reopened.sessionId, Math.max(reopens.get(reopened.sessionId) ?? 0, reopened.reopenCount));
      }
    });
    const lost: Opened[] = [];
    for (const opened of unclosed.values()) if (!(await this.store.find(opened.sessionId))) lost.push(opened);
    if (lost.length === 0) return [];

    const marks = await this.marksOf(lost);
    const closedAt = this.clock.now().toISOString();
    for (const opened of lost) {
      const session = { ...(await this.lostSession(opened, marks.get(opened.sessionId) ?? emptyMarks(), closedAt, correlationId)), reopens: reopens.get(opened.sessionId) ?? 0 };
      const outcome = await this.store.restoreClosed(session);
      if (outcome.kind === 'still-open') continue; // cannot happen to a lost id; never close what is open
      await publishSessionClosed(
        this.events,
        {
          sessionId: opened.sessionId,
          courseId: opened.courseId,
          closedAt: outcome.closedAt,
          closedBy: outcome.closedBy,
          presentStudentIds: outcome.presentStudentIds,
          closeReason: outcome.closeReason,
        },
        { about: opened.sessionId, correlationId, reopens: outcome.reopens },
      );
    }
    return lost.map((o) => o.sessionId);
  }

  /** The accepted marks and changes by hand of these sessions, as the stream tells them. */
  private async marksOf(sessions: Opened[]): Promise<Map<string, SessionMarks>> {
    const bySession = new Map(sessions.map((s) => [s.sessionId, emptyMarks()]));
    const since = new Date(Math.min(...sessions.map((s) => Date.parse(s.openedAt))) - 60_000);
    await this.history.scan('attendance.mark.>', since, (e) => {
      // v2 is published before v1 for the same check-in and knows late: v1 fills in only what v2 does not say.
      const v2 = dataOf(e, EventSubjects.markRecordedV2);
      const v1 = v2 ?? dataOf(e, EventSubjects.markRecorded);
      if (v1) {
        const marks = bySession.get(v1.sessionId);
        if (marks && (v2 || !marks.present.has(v1.studentId))) {
          const { submissionId, markedAt, distanceM, accuracyM, methods, status } = v1;
          marks.present.set(v1.studentId, { submissionId, markedAt, distanceM, accuracyM, methods, status });
        }
      }
      const change = dataOf(e, EventSubjects.markChanged);
      const marks = change && bySession.get(change.sessionId);
      if (change && marks && (marks.overrides.get(change.studentId)?.sequence ?? 0) < change.sequence) {
        const { status, previousStatus, reason, changedBy: by, changedAt: at, sequence } = change;
        marks.overrides.set(change.studentId, { status, previousStatus, reason, by, at, sequence });
      }
    });
    return bySession;
  }

  /** The session to write back: the opened event, its marks, and the names and teachers identity-service gives now. */
  private async lostSession(opened: Opened, marks: SessionMarks, closedAt: string, correlationId?: string): Promise<LostSession> {
    const [roster, course] = await Promise.all([
      this.identity.roster(opened.courseId, { correlationId }).catch((err: unknown) => this.unknown('roster', opened, err)),
      this.identity.course(opened.courseId, { correlationId }).catch((err: unknown) => this.unknown('course', opened, err)),
    ]);
    const names = new Map(roster?.map((s) => [s.id, s.name]));
    // Everyone enrolled at the start, and anyone marked who enrolled later.
    const ids = new Set([...opened.enrolledStudentIds, ...marks.present.keys(), ...marks.overrides.keys()]);
    return {
      sessionId: opened.sessionId,
      courseId: opened.courseId,
      courseCode: opened.courseCode,
      courseTitle: opened.courseTitle,
      teacherId: opened.teacherId,
      teacherIds: course?.teacherIds.length ? course.teacherIds : [opened.teacherId],
      openedAt: opened.openedAt,
      radiusM: opened.radiusM,
      closedAt,
      closedBy: SystemActorId,
      students: [...ids].map((id) => ({ id, name: names.get(id) ?? 'Student' })),
      present: marks.present,
      overrides: marks.overrides,
      ...(opened.qr ? { qr: opened.qr } : {}),
      ...(opened.room ? { room: opened.room } : {}),
    };
  }

  /** identity-service unavailable: the session is closed anyway (its report does not need names), with placeholders. */
  private unknown(what: string, opened: Opened, err: unknown): undefined {
    this.log.warn({ err, sessionId: opened.sessionId, what }, 'identity-service did not answer; the restored session uses placeholders');
    return undefined;
  }
}

interface SessionMarks {
  present: Map<string, StoredMark>;
  overrides: Map<string, StoredOverride>;
}

function emptyMarks(): SessionMarks {
  return { present: new Map(), overrides: new Map() };
}

/** The event's data when it is of this subject and matches its schema (events from the stream are checked: it outlives versions). */
function dataOf<S extends EventSubject>(event: CloudEvent, subject: S): EventData<S> | undefined {
  if (event.type !== EventTypePrefix + subject) return undefined;
  const parsed = EventSchemas[subject].safeParse(event.data);
  return parsed.success ? (parsed.data as EventData<S>) : undefined;
}
