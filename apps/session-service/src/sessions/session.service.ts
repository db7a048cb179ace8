import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  Rpc,
  SystemActorId,
  authorize,
  inScope,
  scopeOf,
  type Actor,
  type Permission,
  type ActiveSessionsReply,
  type CheckinContextReply,
  type MarkChangeReply,
  type RecordMarkReply,
  type RosterEntry,
  type RpcParsed,
  type SessionDetailReply,
  type SessionView,
} from '@classconnect/contracts';
import { Clock } from '@classconnect/config';
import { EventPublisher, IdentityClient, type EventSink } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { checkinClosesAt, currentStatus, isWindowClosed } from './attendance-rules.js';
import { newQrSecret } from '../qr/qr-code.js';
import { QrAttemptWindowSeconds, QrAttemptsPerWindow, QrJudge } from '../qr/qr-judge.js';
import { SessionStore, type MarkAttempt, type SessionRecord, type SessionRoom } from './session.model.js';
import type { LossCheck } from './state-recovery.service.js';
import { publishSessionClosed } from './session-closed.events.js';

/** An id source and the session limits, replaceable in tests. */
export interface SessionServiceDeps {
  newId?: () => string;
  /** A session nobody stops closes itself this long after it opened (default 4 hours). */
  maxSessionSeconds?: number;
  /** For this many seconds after Stop the session may be reopened (default 300; 0: never). */
  reopenWindowSeconds?: number;
  /** Asked when a session is not found: Redis may have come back empty (see StateRecovery). */
  lossCheck?: LossCheck;
}

/** The fence's radius when a session is started from a device position without one. */
export const DefaultRadiusM = 100;

/** How many overdue sessions one sweep closes at most (the next sweep takes the rest). */
export const AutoCloseBatch = 100;

/** The most open sessions an admin's sessions:active lists. */
export const AllOpenLimit = 500;

/** Opens and closes sessions and records who is present. The only writer of live session state. */
@Injectable()
export class SessionService {
  private readonly newId: () => string;
  private readonly maxSessionSeconds: number;
  private readonly reopenWindowSeconds: number;
  private readonly lossCheck?: LossCheck;
  private readonly log = createLogger(SessionService.name);

  constructor(
    @Inject(SessionStore) private readonly store: SessionStore,
    @Inject(IdentityClient) private readonly identity: IdentityClient,
    @Inject(EventPublisher) private readonly events: EventSink,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(QrJudge) private readonly qr: QrJudge,
    deps: SessionServiceDeps = {},
  ) {
    this.newId = deps.newId ?? randomUUID;
    this.maxSessionSeconds = deps.maxSessionSeconds ?? 4 * 60 * 60;
    this.reopenWindowSeconds = deps.reopenWindowSeconds ?? 300;
    this.lossCheck = deps.lossCheck;
  }

  async start(req: RpcParsed<typeof Rpc.sessionStart>, correlationId?: string): Promise<SessionView> {
    const { actor, courseId } = req;
    const scope = authorize(actor, 'session.start');
    const course = await this.identity.course(courseId, { correlationId });
    if (!inScope(scope, { teaches: course.teacherIds.includes(actor.userId) })) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${course.code}, so you cannot start a session for it.`);
    }
    const roster = await this.identity.roster(courseId, { correlationId });
    const place = await this.placeOf(req, correlationId);
    const sessionId = this.newId();
    const openedAt = this.clock.now();
    const outcome = await this.store.create({
      sessionId,
      courseId,
      courseCode: course.code,
      courseTitle: course.title,
      teacherId: actor.userId,
      teacherIds: course.teacherIds,
      openedAt: openedAt.toISOString(),
      fence: place.fence,
      ...(place.room ? { room: place.room } : {}),
      lateAfterMinutes: req.lateAfterMinutes,
      checkinClosesAt: checkinClosesAt(openedAt, req.windowMinutes, this.maxSessionSeconds).toISOString(),
      autoCloseAt: new Date(openedAt.getTime() + this.maxSessionSeconds * 1000).toISOString(),
      students: [...new Map(roster.map((s) => [s.id, { id: s.id, name: s.name }])).values()],
      ...(req.qr && req.qr.mode !== 'off' ? { qr: { mode: req.qr.mode, stepSeconds: req.qr.stepSeconds, secret: newQrSecret() } } : {}),
    });
    if (!outcome.created) {
      // The earlier start may have crashed between its write and its publish: publishing again
      // under the same dedup key repairs that and is dropped by JetStream otherwise.
      const open = await this.store.find(outcome.openSessionId);
      if (open?.status === 'open') await this.publishOpened(open, correlationId);
      throw new DomainError(
        ErrorCode.SESSION_ALREADY_OPEN,
        `${course.code} already has an open session (${outcome.openSessionId}). Stop it before starting a new one.`,
      );
    }
    const session = await this.mustFind(sessionId);
    await this.publishOpened(session, correlationId);
    return toView(session);
  }

  async stop(req: RpcParsed<typeof Rpc.sessionStop>, correlationId?: string): Promise<SessionView> {
    const { actor, sessionId } = req;
    authorize(actor, 'session.stop');
    const session = await this.mustFind(sessionId);
    if (!isTeacherOf(actor, session, 'session.stop')) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${session.courseCode}, so you cannot stop its session.`);
    }
    const outcome = await this.closeAndPublish(session, actor.userId, 'stopped', correlationId);
    if (outcome === 'already-closed') {
      throw new DomainError(
        ErrorCode.SESSION_NOT_OPEN,
        session.closeReason === 'state-lost' ? stateLostMessage(session.courseCode) : `This session of ${session.courseCode} was already stopped.`,
      );
    }
    return toView(await this.mustFind(sessionId));
  }

  /**
   * Undoes a Stop: within the reopen window after it, a teacher of the course (as it was when the
   * session opened) or an admin takes the session back to open, with its fence, QR codes, roster and
   * marks as they were; students may check in again. Only a Stop is undone: a session the system
   * closed (maximum length, state lost) is not. Published as session.reopened.v1; the report built at
   * the Stop is replaced by the one built at the next close.
   */
  async reopen(req: RpcParsed<typeof Rpc.sessionReopen>, correlationId?: string): Promise<SessionView> {
    const { actor, sessionId } = req;
    authorize(actor, 'session.reopen');
    const session = await this.mustFind(sessionId);
    if (!isTeacherOf(actor, session, 'session.reopen')) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${session.courseCode}, so you cannot reopen its session.`);
    }
    const reopenedAt = this.clock.now();
    // The place is asked for only when a reopening may happen; otherwise the store says why not
    // (open, closed by the system, window passed) before it would read the centre.
    const mayReopen = session.status !== 'open' && session.closeReason === 'stopped' && !!session.reopenableUntil && reopenedAt.getTime() <= Date.parse(session.reopenableUntil);
    const centre = mayReopen ? await this.centreForReopening(req, session, correlationId) : { latitude: Number.NaN, longitude: Number.NaN };
    const outcome = await this.store.reopen(sessionId, session.courseId, reopenedAt, actor.userId, centre);
    switch (outcome.kind) {
      case 'not-found':
        throw notFound();
      case 'open': {
        // A reopening that crashed between its write and its publish is repaired by this retry (JetStream drops a duplicate).
        const again = await this.store.find(sessionId);
        if (again?.lastReopen && again.reopens) await this.publishReopened(again, again.reopens, again.lastReopen, correlationId);
        throw new DomainError(ErrorCode.SESSION_NOT_STOPPED, `This session of ${session.courseCode} is open: there is nothing to reopen.`);
      }
      case 'not-stopped':
        throw new DomainError(
          ErrorCode.SESSION_NOT_STOPPED,
          session.closeReason === 'state-lost'
            ? stateLostMessage(session.courseCode)
            : `This session of ${session.courseCode} closed itself at its maximum length; only a session stopped with Stop can be reopened. Start a new session instead.`,
        );
      case 'window-passed':
        throw new DomainError(
          ErrorCode.REOPEN_WINDOW_PASSED,
          this.reopenWindowSeconds > 0
            ? `This session of ${session.courseCode} was stopped more than ${minutesOf(this.reopenWindowSeconds)} ago, so it can no longer be reopened. Start a new session instead.`
            : `Reopening stopped sessions is turned off here. Start a new session of ${session.courseCode} instead.`,
        );
      case 'course-busy':
        throw new DomainError(
          ErrorCode.SESSION_ALREADY_OPEN,
          `${session.courseCode} already has another open session (${outcome.openSessionId}). Stop it before reopening this one.`,
        );
    }
    const reopened = await this.mustFind(sessionId);
    await this.publishReopened(reopened, outcome.reopens, { at: reopenedAt.toISOString(), by: actor.userId, previousClosedAt: outcome.previousClosedAt }, correlationId);
    this.log.info({ sessionId, courseId: session.courseId, reopenedBy: actor.userId, reopens: outcome.reopens }, 'session reopened after Stop');
    return toView(reopened);
  }

  /**
   * One sweep: closes every open session past its autoCloseAt, as if its teacher had pressed Stop.
   * Every instance sweeps; the close script is atomic and the event's dedup key is the session's,
   * so two instances closing the same session at once still close it once and announce it once.
   * Returns the ids this sweep found due.
   */
  async closeOverdue(correlationId?: string): Promise<string[]> {
    const due = await this.store.dueForAutoClose(this.clock.now(), AutoCloseBatch);
    for (const sessionId of due) {
      try {
        const session = await this.store.find(sessionId);
        if (!session) {
          await this.store.forgetAutoClose(sessionId);
          continue;
        }
        await this.closeAndPublish(session, SystemActorId, 'max-length', correlationId);
        this.log.info({ sessionId, courseId: session.courseId, openedAt: session.openedAt }, 'session reached its maximum length and closed itself');
      } catch (err) {
        // Left in the schedule: the next sweep tries again.
        this.log.warn({ err, sessionId }, 'could not close an overdue session; will retry');
      }
    }
    return due;
  }

  async get(req: RpcParsed<typeof Rpc.sessionGet>): Promise<SessionDetailReply> {
    const { actor, sessionId } = req;
    const scope = authorize(actor, 'session.read');
    const session = await this.mustFind(sessionId);
    // Those who may act on the session (admins, its teachers) see its roster; its students see the session only.
    if (isTeacherOf(actor, session, 'session.read')) return { ...toView(session), roster: await this.roster(sessionId) };
    if (scope === 'enrolled' && inScope(scope, { enrolled: await this.store.isEnrolled(sessionId, actor.userId) })) return toView(session);
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only the teachers and the students of this course can see this session.');
  }

  async active(req: RpcParsed<typeof Rpc.sessionActive>, correlationId?: string): Promise<ActiveSessionsReply> {
    const scope = authorize(req.actor, 'session.list-active');
    // `any` (admins): every open session, which the auto-close schedule lists (up to AllOpenLimit).
    // Otherwise the open sessions of the courses the actor teaches (own-course) or attends (enrolled).
    const ids =
      scope === 'any'
        ? await this.store.dueForAutoClose(new Date(8.64e15), AllOpenLimit)
        : await this.store.openSessionIds(
            (await this.identity.coursesOf(req.actor.userId, { correlationId }))
              .filter((c) => inScope(scope, { teaches: c.relation === 'teacher', enrolled: c.relation === 'student' }))
              .map((c) => c.id),
          );
    const sessions = await Promise.all(ids.map((id) => this.store.find(id)));
    return { sessions: sessions.filter((s): s is SessionRecord => s?.status === 'open').map(toView) };
  }

  async checkinContext(req: RpcParsed<typeof Rpc.sessionCheckinContext>, correlationId?: string): Promise<CheckinContextReply> {
    const facts = (await this.store.checkinFacts(req.sessionId, req.studentId)) ?? (await this.afterMiss(() => this.store.checkinFacts(req.sessionId, req.studentId)));
    if (!facts) throw notFound();
    const { session } = facts;
    const enrolled =
      facts.enrolled || (session.status === 'open' && (await this.enrolledSinceOpening(session.sessionId, session.courseId, req.studentId, correlationId)));
    const windowClosed = session.status === 'open' && isWindowClosed(session.checkinClosesAt, this.clock.now());
    // The code given at checkin:begin is judged now, so the passkey prompt and the position do not
    // count against it; only for a student who may check in (a refusal for the session's own reasons
    // comes first, and costs no attempt).
    const mayCheckIn = session.status === 'open' && enrolled && !facts.alreadyPresent && !windowClosed;
    const judged = req.qr && session.qr && mayCheckIn ? await this.qr.judgeAndCount(session.sessionId, req.studentId, req.qr) : undefined;
    if (judged === 'throttled') this.log.warn({ sessionId: session.sessionId, studentId: req.studentId }, 'QR attempts throttled');
    return {
      sessionId: session.sessionId,
      courseId: session.courseId,
      status: session.status,
      enrolled,
      alreadyPresent: facts.alreadyPresent,
      fence: { ...session.fence },
      ...(windowClosed ? { windowClosed: true } : {}),
      ...(session.status === 'open' && session.checkinClosesAt ? { checkinClosesAt: session.checkinClosesAt } : {}),
      ...(session.qr ? { qrMode: session.qr.mode } : {}),
      ...(judged && judged !== 'not-enabled' ? { qr: judged } : {}),
    };
  }

  /**
   * The one call verification makes to decide a check-in (docs/architecture.md, step 5): the QR code
   * is judged, then one script checks again what may have changed since the challenge was issued
   * (open, enrolled, window, QR attempts, already present) and writes the mark. Refusals are
   * answers, not errors: verification turns each into the verdict a student is told.
   */
  async recordMark(req: RpcParsed<typeof Rpc.sessionRecordMark>, correlationId?: string): Promise<RecordMarkReply> {
    const { sessionId, studentId } = req;
    const checkOnly = req.checkOnly === true;
    const judged = req.qr && !checkOnly ? await this.qr.judge(sessionId, req.qr.code, new Date(req.qr.at)) : undefined;
    const qr = judged === 'not-enabled' ? undefined : judged;
    const attempt: MarkAttempt = {
      mark: {
        submissionId: req.submissionId,
        markedAt: this.clock.now().toISOString(),
        distanceM: req.distanceM,
        accuracyM: req.accuracyM,
        methods: qr === 'valid' && !req.methods.includes('qr') ? [...req.methods, 'qr'] : [...req.methods],
      },
      verifiedAt: req.verifiedAt,
      checkOnly,
      ...(qr ? { qr: { verdict: qr, attemptsPerWindow: QrAttemptsPerWindow, windowSeconds: QrAttemptWindowSeconds } } : {}),
    };
    let outcome = await this.store.recordMark(sessionId, studentId, attempt);
    // A student the roster does not list may have enrolled since the session opened; a session not
    // found may be one Redis lost (then it is closed now). Either way the script decides once more.
    if (
      (outcome.kind === 'not-enrolled' && (await this.enrolledSinceOpening(sessionId, outcome.courseId, studentId, correlationId))) ||
      (outcome.kind === 'not-found' && (await this.afterMiss(async () => true)))
    ) {
      outcome = await this.store.recordMark(sessionId, studentId, attempt);
    }
    switch (outcome.kind) {
      case 'recorded':
      case 'retry': {
        // Published before replying, also on a retry: a crash between the write and the publish
        // is repaired by the caller's retry, and JetStream drops the duplicate. v2 (with late) goes
        // first, so any consumer that sees v1 finds v2 earlier in the stream: both leave together,
        // in this order, in one write (should one fail, the retry publishes both again).
        const stored = outcome.mark;
        const status = stored.status ?? 'present';
        const fact = {
          sessionId,
          courseId: outcome.courseId,
          studentId,
          source: 'checkin' as const,
          submissionId: stored.submissionId,
          distanceM: stored.distanceM,
          accuracyM: stored.accuracyM,
          methods: stored.methods,
          markedAt: stored.markedAt,
        };
        const opts = { about: sessionId, correlationId };
        await Promise.all([
          this.events.publish(EventSubjects.markRecordedV2, { ...fact, status }, { ...opts, dedupKey: `mark.v2:${sessionId}:${studentId}` }),
          // v1 knows only present: a late check-in is still a check-in, which is what v1 subscribers count.
          this.events.publish(EventSubjects.markRecorded, { ...fact, status: 'present' }, { ...opts, dedupKey: `mark:${sessionId}:${studentId}` }),
        ]);
        return { result: 'recorded', status, methods: stored.methods };
      }
      case 'allowed':
        return { result: 'allowed' };
      case 'qr-refused':
        if (outcome.qr === 'throttled') this.log.warn({ sessionId, studentId }, 'QR attempts throttled');
        return { result: 'qr-refused', qr: outcome.qr };
      case 'already-present':
        return { result: 'refused', reason: ErrorCode.ALREADY_CHECKED_IN };
      case 'not-found':
        return { result: 'refused', reason: ErrorCode.SESSION_NOT_FOUND };
      case 'not-open':
        return { result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN };
      case 'not-enrolled':
        return { result: 'refused', reason: ErrorCode.NOT_ENROLLED };
      case 'window-closed':
        return { result: 'refused', reason: ErrorCode.CHECKIN_WINDOW_CLOSED };
    }
  }

  /**
   * A teacher of the course (as it was when the session opened) or an admin sets a student's
   * status by hand, with a reason, while the session is open or after it closed (as long as its
   * live state is kept: 7 days). Each change is numbered and published; the check-in's proof stays.
   */
  async changeMark(req: RpcParsed<typeof Rpc.sessionMark>, correlationId?: string): Promise<MarkChangeReply> {
    const { actor, sessionId, studentId } = req;
    authorize(actor, 'attendance.mark');
    const session = await this.mustFind(sessionId);
    if (!isTeacherOf(actor, session, 'attendance.mark')) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${session.courseCode}, so you cannot mark attendance in its session.`);
    }
    const changedAt = this.clock.now().toISOString();
    const outcome = await this.store.changeMark(sessionId, studentId, { status: req.status, reason: req.reason, by: actor.userId, at: changedAt });
    if (outcome.kind !== 'changed') {
      if (outcome.kind === 'not-found') throw notFound();
      throw new DomainError(ErrorCode.NOT_ENROLLED, 'This student was not enrolled in the course when the session opened.');
    }
    const o = outcome.override;
    const change: MarkChangeReply = {
      sessionId,
      studentId,
      status: o.status,
      previousStatus: o.previousStatus,
      reason: o.reason,
      changedBy: o.by,
      changedAt: o.at,
      sequence: o.sequence,
    };
    // A publish that fails after the write leaves the change in Redis only; the teacher's retry
    // makes a new change (the next sequence) that carries the same status to the report.
    await this.events.publish(
      EventSubjects.markChanged,
      { ...change, courseId: outcome.courseId },
      { dedupKey: `mark.changed:${sessionId}:${studentId}:${o.sequence}`, about: sessionId, correlationId },
    );
    return change;
  }

  /**
   * directory.enrollment.changed.v1: a student joined or left a course. If the course has an open
   * session, its roster is brought in line with what identity-service says now: an added student
   * may check in at once, a removed one no longer can (a mark already recorded stays). Reading the
   * current truth instead of applying the event's own change makes the outcome the same whatever
   * order the events arrive in, on however many instances. Returns what happened.
   */
  async syncEnrollment(e: { courseId: string; studentId: string }, correlationId?: string): Promise<'no-open-session' | 'changed' | 'unchanged' | 'not-open'> {
    const [sessionId] = await this.store.openSessionIds([e.courseId]);
    if (!sessionId) return 'no-open-session';
    const courses = await this.identity.coursesOf(e.studentId, { correlationId });
    if (!courses.some((c) => c.id === e.courseId && c.relation === 'student')) {
      return this.store.changeEnrollment(sessionId, { change: 'removed', studentId: e.studentId });
    }
    const [user] = await this.identity.users([e.studentId], { correlationId });
    const name = user?.name ?? 'Student';
    return this.store.changeEnrollment(sessionId, { change: 'added', studentId: e.studentId, name });
  }

  /**
   * A student the snapshot does not list may have enrolled since the session opened, and the
   * enrollment event may not have arrived yet: identity-service has the last word.
   */
  private async enrolledSinceOpening(sessionId: string, courseId: string, studentId: string, correlationId?: string): Promise<boolean> {
    const outcome = await this.syncEnrollment({ courseId, studentId }, correlationId);
    return outcome === 'changed' || (outcome === 'unchanged' && (await this.store.isEnrolled(sessionId, studentId)));
  }

  /**
   * The fence's centre for a reopening (it was dropped at the Stop, like any position): the room's
   * place for a session started from a room (the device's position if the room has gone since),
   * else the device's position sent with the request.
   */
  private async centreForReopening(req: RpcParsed<typeof Rpc.sessionReopen>, session: SessionRecord, correlationId?: string): Promise<{ latitude: number; longitude: number }> {
    if (session.room) {
      const room = await this.identity.room(session.room.id, { correlationId }).catch((err: unknown) => {
        if (req.position && (err as { code?: string }).code === ErrorCode.ROOM_NOT_FOUND) return null;
        throw err;
      });
      if (room) return { latitude: room.latitude, longitude: room.longitude };
    }
    if (req.position) return { latitude: req.position.latitude, longitude: req.position.longitude };
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Send the device’s position to reopen this session: its place is not kept after Stop.');
  }

  /** The fence's centre and radius: the teacher's device position, or a room's stored place. */
  private async placeOf(req: RpcParsed<typeof Rpc.sessionStart>, correlationId?: string): Promise<{ fence: SessionRecord['fence']; room?: SessionRoom }> {
    if (req.roomId) {
      const room = await this.identity.room(req.roomId, { correlationId });
      return {
        fence: { latitude: room.latitude, longitude: room.longitude, radiusM: req.radiusM ?? room.defaultRadiusM },
        room: { id: room.id, name: room.name, ...(room.building ? { building: room.building } : {}) },
      };
    }
    if (!req.position) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Give either the device’s position or a room to start the session.');
    return { fence: { latitude: req.position.latitude, longitude: req.position.longitude, radiusM: req.radiusM ?? DefaultRadiusM } };
  }

  private async closeAndPublish(
    session: SessionRecord,
    closedBy: string,
    reason: 'stopped' | 'max-length',
    correlationId?: string,
  ): Promise<'closed' | 'already-closed'> {
    const { sessionId } = session;
    const closedAt = this.clock.now();
    const reopen =
      reason === 'stopped' && this.reopenWindowSeconds > 0
        ? { seconds: this.reopenWindowSeconds, until: new Date(closedAt.getTime() + this.reopenWindowSeconds * 1000).toISOString() }
        : undefined;
    const outcome = await this.store.close(sessionId, session.courseId, closedAt.toISOString(), closedBy, reason, reopen);
    if (outcome.kind === 'not-found') throw notFound();
    // Also when it was closed before: a stop that crashed after its write is repaired by a retry.
    await publishSessionClosed(
      this.events,
      {
        sessionId,
        courseId: session.courseId,
        closedAt: outcome.closedAt,
        closedBy: outcome.closedBy,
        presentStudentIds: outcome.presentStudentIds,
        closeReason: outcome.closeReason,
      },
      { about: sessionId, correlationId, reopens: outcome.reopens },
    );
    return outcome.kind;
  }

  private async roster(sessionId: string): Promise<RosterEntry[]> {
    const { students, present, overrides } = await this.store.liveRoster(sessionId);
    return students
      .map(({ id, name }): RosterEntry => {
        const mark = present.get(id);
        const o = overrides.get(id);
        const status = currentStatus(mark, o);
        const override = o ? { override: { status: o.status, reason: o.reason, by: o.by, at: o.at } } : {};
        return mark
          ? { studentId: id, name, state: 'present', markedAt: mark.markedAt, distanceM: mark.distanceM, status, ...override }
          : { studentId: id, name, state: 'absent', status, ...override };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.studentId.localeCompare(b.studentId));
  }

  /** Published after the write, under a key per reopening: a retry that finds the session open publishes it again (see reopen). */
  private async publishReopened(
    session: SessionRecord,
    reopens: number,
    reopen: NonNullable<SessionRecord['lastReopen']>,
    correlationId?: string,
  ): Promise<void> {
    await this.events.publish(
      EventSubjects.sessionReopened,
      {
        sessionId: session.sessionId,
        courseId: session.courseId,
        reopenedAt: reopen.at,
        reopenedBy: reopen.by,
        previousClosedAt: reopen.previousClosedAt,
        reopenCount: reopens,
      },
      { dedupKey: `session.reopened:${session.sessionId}:${reopens}`, about: session.sessionId, correlationId },
    );
  }

  private async publishOpened(session: SessionRecord, correlationId?: string): Promise<void> {
    const enrolledStudentIds = await this.store.enrolledIds(session.sessionId);
    await this.events.publish(
      EventSubjects.sessionOpened,
      {
        sessionId: session.sessionId,
        courseId: session.courseId,
        courseCode: session.courseCode,
        courseTitle: session.courseTitle,
        teacherId: session.teacherId,
        openedAt: session.openedAt,
        radiusM: session.fence.radiusM,
        enrolledStudentIds,
        ...(session.qr ? { qr: { mode: session.qr.mode, stepSeconds: session.qr.stepSeconds } } : {}),
        ...(session.room ? { room: session.room } : {}),
      },
      { dedupKey: `session.opened:${session.sessionId}`, about: session.sessionId, correlationId },
    );
  }

  private async mustFind(sessionId: string): Promise<SessionRecord> {
    const session = await this.findOrRecover(sessionId);
    if (!session) throw notFound();
    return session;
  }

  private async findOrRecover(sessionId: string): Promise<SessionRecord | null> {
    return (await this.store.find(sessionId)) ?? this.afterMiss(() => this.store.find(sessionId));
  }

  /**
   * A session asked about and not found may be one Redis lost (it came back empty): if so, the
   * lost sessions are closed (written back from the stream) before looking again, so the caller
   * hears "closed, and why" rather than "no such session".
   */
  private async afterMiss<T>(lookAgain: () => Promise<T | null>): Promise<T | null> {
    if (!this.lossCheck) return null;
    let recovered: boolean;
    try {
      recovered = await this.lossCheck.afterMiss();
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.log.warn({ err }, 'could not close the sessions lost with Redis; the next look tries again');
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Live sessions are being restored after a fault. Please try again in a moment.');
    }
    return recovered ? lookAgain() : null;
  }
}

/**
 * Whether the actor's scope for `action` (from the permission table) covers this session: any
 * session for `any`, the sessions of courses they teach (as when it opened) for `own-course`.
 */
export function isTeacherOf(actor: Actor, session: SessionRecord, action: Permission): boolean {
  const scope = scopeOf(actor.role, action);
  return scope === 'any' || (scope === 'own-course' && inScope(scope, { teaches: session.teacherIds.includes(actor.userId) }));
}

/** What a teacher is told about a session closed because Redis lost its live state. */
export function stateLostMessage(courseCode: string): string {
  return `This session of ${courseCode} was closed by the system: the live session data was lost after a server fault. Every check-in already accepted is kept in the report. Start a new session to take attendance again.`;
}

/** 300 → "5 minutes", 90 → "90 seconds". */
function minutesOf(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds} seconds`;
  const m = seconds / 60;
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export function notFound(): DomainError {
  return new DomainError(ErrorCode.SESSION_NOT_FOUND, 'There is no such session. It may have ended more than a week ago.');
}

/** What anyone in the course may see: never the fence's centre. */
export function toView(s: SessionRecord): SessionView {
  return {
    sessionId: s.sessionId,
    courseId: s.courseId,
    courseCode: s.courseCode,
    courseTitle: s.courseTitle,
    teacherId: s.teacherId,
    status: s.status,
    openedAt: s.openedAt,
    ...(s.closedAt ? { closedAt: s.closedAt } : {}),
    ...(s.closeReason ? { closeReason: s.closeReason } : {}),
    ...(s.status === 'closed' && s.reopenableUntil ? { reopenableUntil: s.reopenableUntil } : {}),
    ...(s.reopens ? { reopenCount: s.reopens } : {}),
    radiusM: s.fence.radiusM,
    enrolledCount: s.enrolledCount,
    presentCount: s.presentCount,
    lateAfterMinutes: s.lateAfterMinutes,
    ...(s.checkinClosesAt ? { checkinClosesAt: s.checkinClosesAt } : {}),
    ...(s.autoCloseAt ? { autoCloseAt: s.autoCloseAt } : {}),
    ...(s.qr ? { qr: { mode: s.qr.mode, stepSeconds: s.qr.stepSeconds } } : {}),
    ...(s.room ? { room: s.room } : {}),
  };
}
