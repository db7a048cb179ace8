import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  Rpc,
  type Actor,
  type ActiveSessionsReply,
  type CheckinContextReply,
  type RecordMarkReply,
  type RosterEntry,
  type RpcParsed,
  type SessionDetailReply,
  type SessionView,
} from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';
import { IDENTITY_PORT, type IdentityPort } from './identity.port.js';
import type { SessionRecord, SessionStore, StoredMark } from './session.model.js';
import { SessionRepository } from './session.repository.js';

/** The part of EventPublisher this service uses, so tests can pass a fake. */
export type EventSink = Pick<EventPublisher, 'publish'>;

/** A clock and an id source, replaceable in tests. */
export interface SessionServiceDeps {
  now?: () => Date;
  newId?: () => string;
}

/** Opens and closes sessions and records who is present. The only writer of live session state. */
@Injectable()
export class SessionService {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    @Inject(SessionRepository) private readonly store: SessionStore,
    @Inject(IDENTITY_PORT) private readonly identity: IdentityPort,
    @Inject(EventPublisher) private readonly events: EventSink,
    deps: SessionServiceDeps = {},
  ) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  async start(req: RpcParsed<typeof Rpc.sessionStart>, correlationId?: string): Promise<SessionView> {
    const { actor, courseId } = req;
    if (actor.role === 'student') throw new DomainError(ErrorCode.FORBIDDEN, 'Only a teacher of the course can start a session.');
    const course = await this.identity.course(courseId, correlationId);
    if (actor.role !== 'admin' && !course.teacherIds.includes(actor.userId)) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${course.code}, so you cannot start a session for it.`);
    }
    const roster = await this.identity.roster(courseId, correlationId);
    const sessionId = this.newId();
    const outcome = await this.store.create({
      sessionId,
      courseId,
      courseCode: course.code,
      courseTitle: course.title,
      teacherId: actor.userId,
      teacherIds: course.teacherIds,
      openedAt: this.now().toISOString(),
      fence: { latitude: req.position.latitude, longitude: req.position.longitude, radiusM: req.radiusM },
      students: [...new Map(roster.students.map((s) => [s.id, { id: s.id, name: s.name }])).values()],
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
    if (actor.role === 'student') throw new DomainError(ErrorCode.FORBIDDEN, 'Only a teacher of the course can stop a session.');
    const session = await this.mustFind(sessionId);
    if (!isTeacherOf(actor, session)) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${session.courseCode}, so you cannot stop its session.`);
    }
    const outcome = await this.store.close(sessionId, session.courseId, this.now().toISOString(), actor.userId);
    if (outcome.kind === 'not-found') throw notFound();
    // Also when it was closed before: a stop that crashed after its write is repaired by a retry.
    await this.events.publish(
      EventSubjects.sessionClosed,
      {
        sessionId,
        courseId: session.courseId,
        closedAt: outcome.closedAt,
        closedBy: outcome.closedBy,
        presentStudentIds: outcome.presentStudentIds,
      },
      { dedupKey: `session.closed:${sessionId}`, about: sessionId, correlationId },
    );
    if (outcome.kind === 'already-closed') {
      throw new DomainError(ErrorCode.SESSION_NOT_OPEN, `This session of ${session.courseCode} was already stopped.`);
    }
    return toView(await this.mustFind(sessionId));
  }

  async get(req: RpcParsed<typeof Rpc.sessionGet>): Promise<SessionDetailReply> {
    const { actor, sessionId } = req;
    const session = await this.mustFind(sessionId);
    if (isTeacherOf(actor, session)) return { ...toView(session), roster: await this.roster(sessionId) };
    if (actor.role === 'student' && (await this.store.isEnrolled(sessionId, actor.userId))) return toView(session);
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only the teachers and the students of this course can see this session.');
  }

  async active(req: RpcParsed<typeof Rpc.sessionActive>, correlationId?: string): Promise<ActiveSessionsReply> {
    const courses = await this.identity.coursesOf(req.actor.userId, correlationId);
    const ids = await this.store.openSessionIds(courses.map((c) => c.id));
    const sessions = await Promise.all(ids.map((id) => this.store.find(id)));
    return { sessions: sessions.filter((s): s is SessionRecord => s?.status === 'open').map(toView) };
  }

  async checkinContext(req: RpcParsed<typeof Rpc.sessionCheckinContext>): Promise<CheckinContextReply> {
    const facts = await this.store.checkinFacts(req.sessionId, req.studentId);
    if (!facts) throw notFound();
    const { session } = facts;
    return {
      sessionId: session.sessionId,
      courseId: session.courseId,
      status: session.status,
      enrolled: facts.enrolled,
      alreadyPresent: facts.alreadyPresent,
      fence: { ...session.fence },
    };
  }

  async recordMark(req: RpcParsed<typeof Rpc.sessionRecordMark>, correlationId?: string): Promise<RecordMarkReply> {
    const { sessionId, studentId } = req;
    const mark: StoredMark = {
      submissionId: req.submissionId,
      markedAt: this.now().toISOString(),
      distanceM: req.distanceM,
      accuracyM: req.accuracyM,
      methods: req.methods,
    };
    const outcome = await this.store.recordMark(sessionId, studentId, mark);
    switch (outcome.kind) {
      case 'recorded':
      case 'retry': {
        // Published before replying, also on a retry: a crash between the write and the publish
        // is repaired by the caller's retry, and JetStream drops the duplicate.
        const stored = outcome.mark;
        await this.events.publish(
          EventSubjects.markRecorded,
          {
            sessionId,
            courseId: outcome.courseId,
            studentId,
            status: 'present',
            source: 'checkin',
            submissionId: stored.submissionId,
            distanceM: stored.distanceM,
            accuracyM: stored.accuracyM,
            methods: stored.methods,
            markedAt: stored.markedAt,
          },
          { dedupKey: `mark:${sessionId}:${studentId}`, about: sessionId, correlationId },
        );
        return { recorded: true, alreadyPresent: false };
      }
      case 'already-present':
        return { recorded: false, alreadyPresent: true };
      case 'not-found':
        throw notFound();
      case 'not-open':
        throw new DomainError(ErrorCode.SESSION_NOT_OPEN, 'This session has been stopped; check-ins are no longer accepted.');
      case 'not-enrolled':
        throw new DomainError(ErrorCode.NOT_ENROLLED, 'You are not enrolled in this course, so you cannot check in to its session.');
    }
  }

  private async roster(sessionId: string): Promise<RosterEntry[]> {
    const { students, present } = await this.store.liveRoster(sessionId);
    return students
      .map(({ id, name }): RosterEntry => {
        const mark = present.get(id);
        return mark
          ? { studentId: id, name, state: 'present', markedAt: mark.markedAt, distanceM: mark.distanceM }
          : { studentId: id, name, state: 'absent' };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.studentId.localeCompare(b.studentId));
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
      },
      { dedupKey: `session.opened:${session.sessionId}`, about: session.sessionId, correlationId },
    );
  }

  private async mustFind(sessionId: string): Promise<SessionRecord> {
    const session = await this.store.find(sessionId);
    if (!session) throw notFound();
    return session;
  }
}

function isTeacherOf(actor: Actor, session: SessionRecord): boolean {
  return actor.role === 'admin' || (actor.role === 'teacher' && session.teacherIds.includes(actor.userId));
}

function notFound(): DomainError {
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
    radiusM: s.fence.radiusM,
    enrolledCount: s.enrolledCount,
    presentCount: s.presentCount,
  };
}
