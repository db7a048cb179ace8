import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode, EventSubjects, type Actor, type CourseReply, type CourseSummary, type RosterReply } from '@classconnect/contracts';
import type { IdentityPort } from './identity.port.js';
import type {
  CheckinFacts,
  CloseOutcome,
  CreateOutcome,
  LiveRoster,
  MarkOutcome,
  NewSession,
  SessionRecord,
  SessionStore,
  StoredMark,
} from './session.model.js';
import { SessionService, type EventSink } from './session.service.js';

/** Holds sessions in memory with the same rules the Lua scripts enforce. */
class InMemorySessionStore implements SessionStore {
  readonly sessions = new Map<string, Omit<SessionRecord, 'presentCount'> & { names: Map<string, string>; present: Map<string, StoredMark> }>();
  readonly openByCourse = new Map<string, string>();

  async create(s: NewSession): Promise<CreateOutcome> {
    const open = this.openByCourse.get(s.courseId);
    if (open) return { created: false, openSessionId: open };
    this.openByCourse.set(s.courseId, s.sessionId);
    const { students, ...rest } = s;
    this.sessions.set(s.sessionId, {
      ...rest,
      status: 'open',
      enrolledCount: students.length,
      names: new Map(students.map((st) => [st.id, st.name])),
      present: new Map(),
    });
    return { created: true };
  }
  async find(id: string): Promise<SessionRecord | null> {
    const s = this.sessions.get(id);
    if (!s) return null;
    const { names: _n, present, ...rest } = s;
    return { ...rest, presentCount: present.size };
  }
  async openSessionIds(courseIds: string[]): Promise<string[]> {
    return courseIds.flatMap((c) => this.openByCourse.get(c) ?? []);
  }
  async enrolledIds(id: string): Promise<string[]> {
    return [...(this.sessions.get(id)?.names.keys() ?? [])];
  }
  async isEnrolled(id: string, studentId: string): Promise<boolean> {
    return this.sessions.get(id)?.names.has(studentId) ?? false;
  }
  async liveRoster(id: string): Promise<LiveRoster> {
    const s = this.sessions.get(id)!;
    return { students: [...s.names].map(([sid, name]) => ({ id: sid, name })), present: new Map(s.present) };
  }
  async checkinFacts(id: string, studentId: string): Promise<CheckinFacts | null> {
    const session = await this.find(id);
    if (!session) return null;
    const s = this.sessions.get(id)!;
    return { session, enrolled: s.names.has(studentId), alreadyPresent: s.present.has(studentId) };
  }
  async close(id: string, courseId: string, closedAt: string, closedBy: string): Promise<CloseOutcome> {
    const s = this.sessions.get(id);
    if (!s) return { kind: 'not-found' };
    const presentStudentIds = [...s.present.keys()];
    if (s.status === 'closed') return { kind: 'already-closed', closedAt: s.closedAt!, closedBy: s.closedBy!, presentStudentIds };
    Object.assign(s, { status: 'closed', closedAt, closedBy });
    if (this.openByCourse.get(courseId) === id) this.openByCourse.delete(courseId);
    return { kind: 'closed', closedAt, closedBy, presentStudentIds };
  }
  async recordMark(id: string, studentId: string, mark: StoredMark): Promise<MarkOutcome> {
    const s = this.sessions.get(id);
    if (!s) return { kind: 'not-found' };
    const existing = s.present.get(studentId);
    if (existing?.submissionId === mark.submissionId) return { kind: 'retry', courseId: s.courseId, mark: existing };
    if (s.status !== 'open') return { kind: 'not-open' };
    if (!s.names.has(studentId)) return { kind: 'not-enrolled' };
    if (existing) return { kind: 'already-present' };
    s.present.set(studentId, mark);
    return { kind: 'recorded', courseId: s.courseId, mark };
  }
}

class FakeIdentity implements IdentityPort {
  readonly courses = new Map<string, CourseReply>();
  readonly rosters = new Map<string, RosterReply>();
  readonly memberships = new Map<string, CourseSummary[]>();

  async course(courseId: string): Promise<CourseReply> {
    const c = this.courses.get(courseId);
    if (!c) throw new DomainError(ErrorCode.COURSE_NOT_FOUND, 'No such course.');
    return c;
  }
  async roster(courseId: string): Promise<RosterReply> {
    return this.rosters.get(courseId) ?? { courseId, students: [] };
  }
  async coursesOf(userId: string): Promise<CourseSummary[]> {
    return this.memberships.get(userId) ?? [];
  }
}

interface Published {
  subject: string;
  data: Record<string, unknown>;
  dedupKey: string;
}

class FakeEvents implements EventSink {
  readonly published: Published[] = [];
  failNext = false;
  publish: EventSink['publish'] = async (subject, data, opts) => {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('NATS is down');
    }
    this.published.push({ subject, data: data as Record<string, unknown>, dedupKey: opts.dedupKey });
    return {} as never;
  };
  of(subject: string): Published[] {
    return this.published.filter((p) => p.subject === subject);
  }
}

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const otherTeacher: Actor = { userId: randomUUID(), role: 'teacher' };
const admin: Actor = { userId: randomUUID(), role: 'admin' };
const alice = { id: randomUUID(), name: 'Alice Martin', email: 'alice@uni.test' };
const bob = { id: randomUUID(), name: 'Bob Dupont', email: 'bob@uni.test' };
const carol = { id: randomUUID(), name: 'Carol Petit', email: 'carol@uni.test' };
const studentActor = (s: { id: string }): Actor => ({ userId: s.id, role: 'student' });
const position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(DomainError);
  await expect(p).rejects.toMatchObject({ code });
}

describe('SessionService', () => {
  let store: InMemorySessionStore;
  let identity: FakeIdentity;
  let events: FakeEvents;
  let service: SessionService;
  let courseId: string;

  const start = (actor: Actor = teacher) => service.start({ actor, courseId, position, radiusM: 50 });
  const mark = (sessionId: string, studentId: string, submissionId: string = randomUUID()) =>
    service.recordMark({
      sessionId,
      studentId,
      submissionId,
      distanceM: 12.5,
      accuracyM: 8,
      methods: ['passkey', 'geofence'],
      verifiedAt: new Date().toISOString(),
    });

  beforeEach(() => {
    store = new InMemorySessionStore();
    identity = new FakeIdentity();
    events = new FakeEvents();
    service = new SessionService(store, identity, events, { now: () => new Date('2030-01-15T09:00:00.000Z') });
    courseId = randomUUID();
    identity.courses.set(courseId, { id: courseId, code: 'CS101', title: 'Algorithms', teacherIds: [teacher.userId] });
    identity.rosters.set(courseId, { courseId, students: [carol, alice, bob] });
  });

  describe('start', () => {
    it('opens a session, publishes the opened event with the roster, and never reveals the fence centre', async () => {
      const view = await start();
      expect(view).toMatchObject({ courseId, courseCode: 'CS101', status: 'open', radiusM: 50, enrolledCount: 3, presentCount: 0 });
      expect(JSON.stringify(view)).not.toMatch(/latitude|longitude/);
      const [opened] = events.of(EventSubjects.sessionOpened);
      expect(opened?.dedupKey).toBe(`session.opened:${view.sessionId}`);
      expect(opened?.data).toMatchObject({ sessionId: view.sessionId, teacherId: teacher.userId, radiusM: 50 });
      expect((opened?.data.enrolledStudentIds as string[]).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    });

    it('refuses students with FORBIDDEN before asking identity', async () => {
      await rejectsWith(start(studentActor(alice)), ErrorCode.FORBIDDEN);
      expect(store.sessions.size).toBe(0);
    });

    it('passes COURSE_NOT_FOUND through', async () => {
      await rejectsWith(service.start({ actor: teacher, courseId: randomUUID(), position, radiusM: 50 }), ErrorCode.COURSE_NOT_FOUND);
    });

    it('refuses a teacher of another course with NOT_COURSE_TEACHER', async () => {
      await rejectsWith(start(otherTeacher), ErrorCode.NOT_COURSE_TEACHER);
      expect(events.published).toHaveLength(0);
    });

    it('counts a student listed twice in the roster once', async () => {
      identity.rosters.set(courseId, { courseId, students: [alice, bob, alice] });
      await expect(start()).resolves.toMatchObject({ enrolledCount: 2 });
    });

    it('lets an admin start any course', async () => {
      await expect(start(admin)).resolves.toMatchObject({ status: 'open', teacherId: admin.userId });
    });

    it('refuses a second open session with SESSION_ALREADY_OPEN naming the open one, and re-publishes its opened event', async () => {
      const first = await start();
      const second = start();
      await rejectsWith(second, ErrorCode.SESSION_ALREADY_OPEN);
      await expect(second).rejects.toThrow(first.sessionId);
      expect(events.of(EventSubjects.sessionOpened).every((e) => e.dedupKey === `session.opened:${first.sessionId}`)).toBe(true);
    });

    it('can start again once the previous session is stopped', async () => {
      const first = await start();
      await service.stop({ actor: teacher, sessionId: first.sessionId });
      const second = await start();
      expect(second.sessionId).not.toBe(first.sessionId);
    });
  });

  describe('stop', () => {
    it('closes the session and publishes who was present', async () => {
      const { sessionId } = await start();
      await mark(sessionId, alice.id);
      const view = await service.stop({ actor: teacher, sessionId });
      expect(view).toMatchObject({ status: 'closed', closedAt: '2030-01-15T09:00:00.000Z', presentCount: 1 });
      const [closed] = events.of(EventSubjects.sessionClosed);
      expect(closed).toMatchObject({
        dedupKey: `session.closed:${sessionId}`,
        data: { sessionId, courseId, closedBy: teacher.userId, presentStudentIds: [alice.id] },
      });
    });

    it('refuses students with FORBIDDEN and other teachers with NOT_COURSE_TEACHER', async () => {
      const { sessionId } = await start();
      await rejectsWith(service.stop({ actor: studentActor(alice), sessionId }), ErrorCode.FORBIDDEN);
      await rejectsWith(service.stop({ actor: otherTeacher, sessionId }), ErrorCode.NOT_COURSE_TEACHER);
      expect((await store.find(sessionId))?.status).toBe('open');
    });

    it('answers SESSION_NOT_FOUND for an unknown session', async () => {
      await rejectsWith(service.stop({ actor: teacher, sessionId: randomUUID() }), ErrorCode.SESSION_NOT_FOUND);
    });

    it('on a second stop re-publishes the same closed event, then answers SESSION_NOT_OPEN', async () => {
      const { sessionId } = await start();
      events.failNext = true; // the first stop writes to Redis, then fails to publish
      await expect(service.stop({ actor: teacher, sessionId })).rejects.toThrow('NATS is down');
      await rejectsWith(service.stop({ actor: admin, sessionId }), ErrorCode.SESSION_NOT_OPEN);
      const closed = events.of(EventSubjects.sessionClosed);
      expect(closed).toHaveLength(1);
      expect(closed[0]).toMatchObject({ dedupKey: `session.closed:${sessionId}`, data: { closedBy: teacher.userId } });
    });
  });

  describe('get', () => {
    it('gives a teacher the live roster sorted by name', async () => {
      const { sessionId } = await start();
      await mark(sessionId, bob.id);
      const detail = await service.get({ actor: teacher, sessionId });
      expect(detail.roster?.map((r) => [r.name, r.state])).toEqual([
        ['Alice Martin', 'absent'],
        ['Bob Dupont', 'present'],
        ['Carol Petit', 'absent'],
      ]);
      expect(detail.roster?.[1]).toMatchObject({ studentId: bob.id, distanceM: 12.5, markedAt: '2030-01-15T09:00:00.000Z' });
      expect(detail.presentCount).toBe(1);
    });

    it('gives an admin the roster too', async () => {
      const { sessionId } = await start();
      expect((await service.get({ actor: admin, sessionId })).roster).toHaveLength(3);
    });

    it('gives an enrolled student the view without the roster', async () => {
      const { sessionId } = await start();
      const view = await service.get({ actor: studentActor(alice), sessionId });
      expect(view.roster).toBeUndefined();
      expect(view.sessionId).toBe(sessionId);
    });

    it('refuses anyone else with FORBIDDEN and an unknown session with SESSION_NOT_FOUND', async () => {
      const { sessionId } = await start();
      await rejectsWith(service.get({ actor: studentActor({ id: randomUUID() }), sessionId }), ErrorCode.FORBIDDEN);
      await rejectsWith(service.get({ actor: otherTeacher, sessionId }), ErrorCode.FORBIDDEN);
      await rejectsWith(service.get({ actor: teacher, sessionId: randomUUID() }), ErrorCode.SESSION_NOT_FOUND);
    });
  });

  describe('active', () => {
    it("lists the open sessions of the actor's courses only", async () => {
      const { sessionId } = await start();
      const quietCourse = randomUUID();
      identity.memberships.set(alice.id, [
        { id: courseId, code: 'CS101', title: 'Algorithms', relation: 'student' },
        { id: quietCourse, code: 'CS102', title: 'Systems', relation: 'student' },
      ]);
      const reply = await service.active({ actor: studentActor(alice) });
      expect(reply.sessions.map((s) => s.sessionId)).toEqual([sessionId]);
      await service.stop({ actor: teacher, sessionId });
      expect((await service.active({ actor: studentActor(alice) })).sessions).toEqual([]);
    });
  });

  describe('checkinContext', () => {
    it('tells verification whether the student may check in, with the fence', async () => {
      const { sessionId } = await start();
      await mark(sessionId, alice.id);
      await expect(service.checkinContext({ sessionId, studentId: alice.id })).resolves.toEqual({
        sessionId,
        courseId,
        status: 'open',
        enrolled: true,
        alreadyPresent: true,
        fence: { latitude: 48.8566, longitude: 2.3522, radiusM: 50 },
      });
      await expect(service.checkinContext({ sessionId, studentId: randomUUID() })).resolves.toMatchObject({ enrolled: false, alreadyPresent: false });
    });

    it('answers SESSION_NOT_FOUND for an unknown session', async () => {
      await rejectsWith(service.checkinContext({ sessionId: randomUUID(), studentId: alice.id }), ErrorCode.SESSION_NOT_FOUND);
    });
  });

  describe('recordMark', () => {
    it('records once and publishes the mark event', async () => {
      const { sessionId } = await start();
      await expect(mark(sessionId, alice.id, 'sub-1')).resolves.toEqual({ recorded: true, alreadyPresent: false });
      const [recorded] = events.of(EventSubjects.markRecorded);
      expect(recorded).toMatchObject({
        dedupKey: `mark:${sessionId}:${alice.id}`,
        data: { sessionId, courseId, studentId: alice.id, status: 'present', source: 'checkin', submissionId: 'sub-1', distanceM: 12.5 },
      });
    });

    it('treats the same submission again as a retry and publishes again (deduplicated downstream)', async () => {
      const { sessionId } = await start();
      events.failNext = true; // written, then the publish fails
      await expect(mark(sessionId, alice.id, 'sub-1')).rejects.toThrow('NATS is down');
      await expect(mark(sessionId, alice.id, 'sub-1')).resolves.toEqual({ recorded: true, alreadyPresent: false });
      expect(events.of(EventSubjects.markRecorded)).toHaveLength(1);
    });

    it('answers alreadyPresent for another submission of a student already marked, without an event', async () => {
      const { sessionId } = await start();
      await mark(sessionId, alice.id, 'sub-1');
      await expect(mark(sessionId, alice.id, 'sub-2')).resolves.toEqual({ recorded: false, alreadyPresent: true });
      expect(events.of(EventSubjects.markRecorded)).toHaveLength(1);
    });

    it('refuses a student not enrolled with NOT_ENROLLED', async () => {
      const { sessionId } = await start();
      await rejectsWith(mark(sessionId, randomUUID()), ErrorCode.NOT_ENROLLED);
    });

    it('refuses marks after stop with SESSION_NOT_OPEN, and unknown sessions with SESSION_NOT_FOUND', async () => {
      const { sessionId } = await start();
      await service.stop({ actor: teacher, sessionId });
      await rejectsWith(mark(sessionId, alice.id), ErrorCode.SESSION_NOT_OPEN);
      await rejectsWith(mark(randomUUID(), alice.id), ErrorCode.SESSION_NOT_FOUND);
    });
  });
});
