import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode, EventSubjects, SystemActorId, type Actor } from '@classconnect/contracts';
import type { SessionService } from './session.service.js';
import type { FakeEvents, FakeIdentityClient, InMemorySessionStore } from './testing/fakes.js';
import { opening, position, sessionFixture, type SessionFixture } from './testing/session-fixture.js';

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const otherTeacher: Actor = { userId: randomUUID(), role: 'teacher' };
const admin: Actor = { userId: randomUUID(), role: 'admin' };
const alice = { id: randomUUID(), name: 'Alice Martin', email: 'alice@uni.test' };
const bob = { id: randomUUID(), name: 'Bob Dupont', email: 'bob@uni.test' };
const carol = { id: randomUUID(), name: 'Carol Petit', email: 'carol@uni.test' };
const studentActor = (s: { id: string }): Actor => ({ userId: s.id, role: 'student' });

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(DomainError);
  await expect(p).rejects.toMatchObject({ code });
}

describe('SessionService', () => {
  let fixture: SessionFixture;
  let store: InMemorySessionStore;
  let identity: FakeIdentityClient;
  let events: FakeEvents;
  let service: SessionService;
  let courseId: string;

  let clock: SettableClock;
  const start = (actor: Actor = teacher, options: { lateAfterMinutes?: number; windowMinutes?: number } = {}) => fixture.start({ actor, ...options });
  const mark = (sessionId: string, studentId: string, submissionId: string = randomUUID(), verifiedAt = clock.now().toISOString()) =>
    fixture.mark(sessionId, studentId, { submissionId, verifiedAt });
  const minutesAfterStart = (m: number) => new Date(opening.getTime() + m * 60_000);

  beforeEach(() => {
    // The roster out of name order: the teacher's view sorts it.
    fixture = sessionFixture({ teacher, roster: [carol, alice, bob] });
    ({ store, identity, events, clock, service, courseId } = fixture);
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
      await rejectsWith(service.start({ actor: teacher, courseId: randomUUID(), position, radiusM: 50, lateAfterMinutes: 10 }), ErrorCode.COURSE_NOT_FOUND);
    });

    it('refuses a teacher of another course with NOT_COURSE_TEACHER', async () => {
      await rejectsWith(start(otherTeacher), ErrorCode.NOT_COURSE_TEACHER);
      expect(events.published).toHaveLength(0);
    });

    it('counts a student listed twice in the roster once', async () => {
      identity.rosters.set(courseId, [alice, bob, alice]);
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

  describe('reopen', () => {
    const reopenService = (seconds: number) => fixture.newService({ reopenWindowSeconds: seconds });

    it('takes a stopped session back to open within the window: its fence, marks and roster as they were, and check-ins again', async () => {
      const { sessionId } = await start();
      await mark(sessionId, alice.id);
      const stopped = await service.stop({ actor: teacher, sessionId });
      expect(stopped.reopenableUntil).toBe('2030-01-15T09:05:00.000Z');
      clock.advance(60_000);
      const view = await service.reopen({ actor: teacher, sessionId, position });
      expect(view).toMatchObject({ status: 'open', presentCount: 1, reopenCount: 1 });
      expect(view.closedAt).toBeUndefined();
      expect(view.reopenableUntil).toBeUndefined();
      const [reopened] = events.of(EventSubjects.sessionReopened);
      expect(reopened).toMatchObject({
        dedupKey: `session.reopened:${sessionId}:1`,
        data: { sessionId, courseId, reopenedBy: teacher.userId, reopenedAt: '2030-01-15T09:01:00.000Z', previousClosedAt: '2030-01-15T09:00:00.000Z', reopenCount: 1 },
      });
      // The fence's centre is back for verification; Alice stays marked once; Bob may now check in.
      const context = await service.checkinContext({ sessionId, studentId: bob.id });
      expect(context).toMatchObject({ status: 'open', fence: { latitude: position.latitude, longitude: position.longitude, radiusM: 50 } });
      await expect(mark(sessionId, alice.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.ALREADY_CHECKED_IN });
      await expect(mark(sessionId, bob.id)).resolves.toMatchObject({ result: 'recorded' });
      // The course is taken again, and the next Stop is a close of its own (its own dedup key), listing both.
      await rejectsWith(start(), ErrorCode.SESSION_ALREADY_OPEN);
      await service.stop({ actor: teacher, sessionId });
      const closes = events.of(EventSubjects.sessionClosed);
      expect(closes.map((c) => c.dedupKey)).toEqual([`session.closed:${sessionId}`, `session.closed:${sessionId}:r1`]);
      expect((closes[1]!.data.presentStudentIds as string[]).sort()).toEqual([alice.id, bob.id].sort());
    });

    it('asks for the device’s position again: the fence’s centre is not kept after Stop', async () => {
      const { sessionId } = await start();
      await service.stop({ actor: teacher, sessionId });
      const placeless = service.reopen({ actor: teacher, sessionId });
      await rejectsWith(placeless, ErrorCode.VALIDATION_FAILED);
      expect((await store.find(sessionId))?.status).toBe('closed');
      const elsewhere = { latitude: position.latitude + 0.001, longitude: position.longitude, accuracy: 5 };
      await service.reopen({ actor: teacher, sessionId, position: elsewhere });
      await expect(service.checkinContext({ sessionId, studentId: bob.id })).resolves.toMatchObject({ fence: { latitude: elsewhere.latitude, longitude: elsewhere.longitude } });
    });

    it('refuses past the window with REOPEN_WINDOW_PASSED, and a session not stopped with SESSION_NOT_STOPPED, changing nothing', async () => {
      const { sessionId } = await start();
      await rejectsWith(service.reopen({ actor: teacher, sessionId, position }), ErrorCode.SESSION_NOT_STOPPED);
      await service.stop({ actor: teacher, sessionId });
      clock.advance(5 * 60_000 + 1);
      const late = service.reopen({ actor: teacher, sessionId, position });
      await rejectsWith(late, ErrorCode.REOPEN_WINDOW_PASSED);
      await expect(late).rejects.toThrow('more than 5 minutes ago');
      expect((await store.find(sessionId))?.status).toBe('closed');
      expect(events.of(EventSubjects.sessionReopened)).toHaveLength(0);
      await expect(mark(sessionId, bob.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    });

    it('does not undo a close by the system (maximum length)', async () => {
      const { sessionId } = await start();
      clock.advance(3 * 60 * 60 * 1000);
      await service.closeOverdue();
      await rejectsWith(service.reopen({ actor: teacher, sessionId, position }), ErrorCode.SESSION_NOT_STOPPED);
    });

    it('lets the course’s teachers and admins reopen, not students or other teachers', async () => {
      const { sessionId } = await start();
      await service.stop({ actor: teacher, sessionId });
      await rejectsWith(service.reopen({ actor: studentActor(alice), sessionId, position }), ErrorCode.FORBIDDEN);
      await rejectsWith(service.reopen({ actor: otherTeacher, sessionId, position }), ErrorCode.NOT_COURSE_TEACHER);
      expect((await store.find(sessionId))?.status).toBe('closed');
      await expect(service.reopen({ actor: admin, sessionId, position })).resolves.toMatchObject({ status: 'open' });
    });

    it('refuses while the course has another open session, and when reopening is turned off', async () => {
      const { sessionId } = await start();
      await service.stop({ actor: teacher, sessionId });
      const other = await start();
      await rejectsWith(service.reopen({ actor: teacher, sessionId, position }), ErrorCode.SESSION_ALREADY_OPEN);
      await service.stop({ actor: teacher, sessionId: other.sessionId });
      const off = reopenService(0);
      const third = await off.start({ actor: teacher, courseId, position, radiusM: 50, lateAfterMinutes: 10 });
      const stopped = await off.stop({ actor: teacher, sessionId: third.sessionId });
      expect(stopped.reopenableUntil).toBeUndefined();
      await rejectsWith(off.reopen({ actor: teacher, sessionId: third.sessionId }), ErrorCode.REOPEN_WINDOW_PASSED);
    });

    it('publishes the reopened event again when a retry finds the session already reopened (a publish that failed)', async () => {
      const { sessionId } = await start();
      await service.stop({ actor: teacher, sessionId });
      events.failNext = true;
      await expect(service.reopen({ actor: teacher, sessionId, position })).rejects.toThrow('NATS is down');
      await rejectsWith(service.reopen({ actor: teacher, sessionId, position }), ErrorCode.SESSION_NOT_STOPPED);
      expect(events.of(EventSubjects.sessionReopened)).toEqual([expect.objectContaining({ dedupKey: `session.reopened:${sessionId}:1` })]);
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
        // With no window given, check-ins end at the maximum session length (3 h here).
        checkinClosesAt: minutesAfterStart(180).toISOString(),
      });
      await expect(service.checkinContext({ sessionId, studentId: randomUUID() })).resolves.toMatchObject({ enrolled: false, alreadyPresent: false });
    });

    it('answers SESSION_NOT_FOUND for an unknown session', async () => {
      await rejectsWith(service.checkinContext({ sessionId: randomUUID(), studentId: alice.id }), ErrorCode.SESSION_NOT_FOUND);
    });
  });

  describe('late threshold', () => {
    it('marks a check-in verified within lateAfterMinutes present and one after it late, in both mark events', async () => {
      const { sessionId } = await start(teacher, { lateAfterMinutes: 5 });
      await expect(mark(sessionId, alice.id, 'a', minutesAfterStart(5).toISOString())).resolves.toMatchObject({ result: 'recorded', status: 'present' });
      await expect(mark(sessionId, bob.id, 'b', new Date(minutesAfterStart(5).getTime() + 1).toISOString())).resolves.toMatchObject({ status: 'late' });
      expect(events.of(EventSubjects.markRecordedV2).map((e) => [e.data.studentId, e.data.status, e.dedupKey])).toEqual([
        [alice.id, 'present', `mark.v2:${sessionId}:${alice.id}`],
        [bob.id, 'late', `mark.v2:${sessionId}:${bob.id}`],
      ]);
      // v1 only knows present: a late check-in is still a check-in.
      expect(events.of(EventSubjects.markRecorded).map((e) => e.data.status)).toEqual(['present', 'present']);
      // v2 is published first, so a consumer that sees v1 has already seen v2.
      expect(events.published.filter((e) => e.subject.startsWith('attendance.mark')).map((e) => e.subject)).toEqual([
        EventSubjects.markRecordedV2,
        EventSubjects.markRecorded,
        EventSubjects.markRecordedV2,
        EventSubjects.markRecorded,
      ]);
    });

    it('marks every check-in after the start late with a threshold of 0, and shows the status in the roster', async () => {
      const { sessionId } = await start(teacher, { lateAfterMinutes: 0 });
      await mark(sessionId, alice.id, 'a', new Date(clock.nowMs() + 1_000).toISOString());
      const detail = await service.get({ actor: teacher, sessionId });
      expect(detail.lateAfterMinutes).toBe(0);
      expect(detail.roster?.find((r) => r.studentId === alice.id)).toMatchObject({ state: 'present', status: 'late' });
      expect(detail.roster?.find((r) => r.studentId === bob.id)).toMatchObject({ state: 'absent', status: 'absent' });
    });
  });

  describe('check-in window', () => {
    it('closes after windowMinutes: the context says so and record-mark refuses with CHECKIN_WINDOW_CLOSED', async () => {
      const view = await start(teacher, { windowMinutes: 15 });
      expect(view.checkinClosesAt).toBe(minutesAfterStart(15).toISOString());
      expect(view.autoCloseAt).toBe(minutesAfterStart(180).toISOString());
      clock.set(minutesAfterStart(15));
      await expect(service.checkinContext({ sessionId: view.sessionId, studentId: alice.id })).resolves.not.toHaveProperty('windowClosed');
      await expect(mark(view.sessionId, alice.id, 'a')).resolves.toMatchObject({ result: 'recorded' });
      clock.set(new Date(minutesAfterStart(15).getTime() + 1));
      await expect(service.checkinContext({ sessionId: view.sessionId, studentId: bob.id })).resolves.toMatchObject({ status: 'open', windowClosed: true });
      await expect(mark(view.sessionId, bob.id, 'b')).resolves.toEqual({ result: 'refused', reason: ErrorCode.CHECKIN_WINDOW_CLOSED });
      // A retry of the submission that marked Alice is still answered.
      await expect(mark(view.sessionId, alice.id, 'a', clock.now().toISOString())).resolves.toMatchObject({ result: 'recorded' });
    });

    it('ends at the maximum session length when no window (or a longer one) is given', async () => {
      await expect(start(teacher, { windowMinutes: 600 })).resolves.toMatchObject({ checkinClosesAt: minutesAfterStart(180).toISOString() });
    });
  });

  describe('closeOverdue', () => {
    it('closes a session left open past the maximum length, as the system, and publishes session.closed', async () => {
      const { sessionId } = await start();
      await mark(sessionId, alice.id, 'a');
      clock.set(minutesAfterStart(179));
      await expect(service.closeOverdue()).resolves.toEqual([]);
      clock.set(minutesAfterStart(180));
      await expect(service.closeOverdue()).resolves.toEqual([sessionId]);
      const [closed] = events.of(EventSubjects.sessionClosed);
      expect(closed).toMatchObject({
        dedupKey: `session.closed:${sessionId}`,
        data: { sessionId, closedBy: SystemActorId, closeReason: 'max-length', presentStudentIds: [alice.id] },
      });
      expect((await service.get({ actor: teacher, sessionId })).status).toBe('closed');
      // The course is free again, and the next sweep has nothing to do.
      await expect(service.closeOverdue()).resolves.toEqual([]);
      await expect(start()).resolves.toMatchObject({ status: 'open' });
    });

    it('leaves sessions stopped in time alone', async () => {
      const { sessionId } = await start();
      await service.stop({ actor: teacher, sessionId });
      expect(events.of(EventSubjects.sessionClosed)[0]?.data).toMatchObject({ closedBy: teacher.userId, closeReason: 'stopped' });
      clock.set(minutesAfterStart(500));
      await expect(service.closeOverdue()).resolves.toEqual([]);
      expect(events.of(EventSubjects.sessionClosed)).toHaveLength(1);
    });
  });

  describe('changeMark', () => {
    const change = (sessionId: string, actor: Actor, studentId: string, status: 'present' | 'late' | 'excused' | 'absent', reason = 'Doctor’s note') =>
      service.changeMark({ actor, sessionId, studentId, status, reason });

    it('refuses students (FORBIDDEN), other teachers (NOT_COURSE_TEACHER), students not enrolled and unknown sessions', async () => {
      const { sessionId } = await start();
      await rejectsWith(change(sessionId, studentActor(alice), alice.id, 'present'), ErrorCode.FORBIDDEN);
      await rejectsWith(change(sessionId, otherTeacher, alice.id, 'present'), ErrorCode.NOT_COURSE_TEACHER);
      await rejectsWith(change(sessionId, teacher, randomUUID(), 'present'), ErrorCode.NOT_ENROLLED);
      await rejectsWith(change(randomUUID(), teacher, alice.id, 'present'), ErrorCode.SESSION_NOT_FOUND);
      expect(events.of(EventSubjects.markChanged)).toHaveLength(0);
    });

    it('numbers each change, chains previous statuses from the check-in, and publishes each under its own key', async () => {
      const { sessionId } = await start(teacher, { lateAfterMinutes: 0 });
      await mark(sessionId, alice.id, 'a', minutesAfterStart(2).toISOString());
      clock.set(minutesAfterStart(3));
      await expect(change(sessionId, teacher, alice.id, 'present', 'Bus strike')).resolves.toEqual({
        sessionId,
        studentId: alice.id,
        status: 'present',
        previousStatus: 'late',
        reason: 'Bus strike',
        changedBy: teacher.userId,
        changedAt: clock.now().toISOString(),
        sequence: 1,
      });
      await service.stop({ actor: teacher, sessionId });
      clock.set(minutesAfterStart(90));
      await expect(change(sessionId, admin, alice.id, 'excused', 'Left for the hospital')).resolves.toMatchObject({ previousStatus: 'present', sequence: 2 });
      await expect(change(sessionId, teacher, bob.id, 'excused')).resolves.toMatchObject({ previousStatus: 'absent', sequence: 1 });
      expect(events.of(EventSubjects.markChanged).map((e) => [e.dedupKey, e.data.courseId, e.data.status])).toEqual([
        [`mark.changed:${sessionId}:${alice.id}:1`, courseId, 'present'],
        [`mark.changed:${sessionId}:${alice.id}:2`, courseId, 'excused'],
        [`mark.changed:${sessionId}:${bob.id}:1`, courseId, 'excused'],
      ]);
    });

    it('lets the teacher’s latest change win over the check-in, keeping the check-in’s proof in the roster', async () => {
      const { sessionId } = await start();
      await change(sessionId, teacher, alice.id, 'absent', 'Marked before she arrived');
      await mark(sessionId, alice.id, 'a');
      const entry = (await service.get({ actor: teacher, sessionId })).roster?.find((r) => r.studentId === alice.id);
      expect(entry).toMatchObject({
        state: 'present',
        distanceM: 12.5,
        status: 'absent',
        override: { status: 'absent', reason: 'Marked before she arrived', by: teacher.userId },
      });
    });
  });

  describe('rooms and enrollment changes', () => {
    const roomId = randomUUID();
    const dave = { id: randomUUID(), name: 'Dave Moreau' };

    it('starts from a room: its place and default radius make the fence, an explicit radius wins, and the view names the room', async () => {
      identity.rooms.set(roomId, { id: roomId, name: 'Amphi A', building: 'Bâtiment 1', latitude: 45.1, longitude: 5.2, defaultRadiusM: 40, createdAt: clock.now().toISOString() });
      const view = await service.start({ actor: teacher, courseId, roomId, lateAfterMinutes: 10 });
      expect(view).toMatchObject({ radiusM: 40, room: { id: roomId, name: 'Amphi A', building: 'Bâtiment 1' } });
      expect(JSON.stringify(view)).not.toMatch(/45\.1|latitude/);
      expect(store.sessions.get(view.sessionId)?.fence).toEqual({ latitude: 45.1, longitude: 5.2, radiusM: 40 });
      expect(events.of(EventSubjects.sessionOpened)[0]?.data.room).toEqual({ id: roomId, name: 'Amphi A', building: 'Bâtiment 1' });
      await service.stop({ actor: teacher, sessionId: view.sessionId });
      const wider = await service.start({ actor: teacher, courseId, roomId, radiusM: 150, lateAfterMinutes: 10 });
      expect(wider.radiusM).toBe(150);
    });

    it('reopens a session started from a room at the room’s place, without a device position', async () => {
      identity.rooms.set(roomId, { id: roomId, name: 'Amphi A', latitude: 45.1, longitude: 5.2, defaultRadiusM: 40, createdAt: clock.now().toISOString() });
      const view = await service.start({ actor: teacher, courseId, roomId, lateAfterMinutes: 10 });
      await service.stop({ actor: teacher, sessionId: view.sessionId });
      expect(store.sessions.get(view.sessionId)?.fence.latitude).toBeNaN();
      await expect(service.reopen({ actor: teacher, sessionId: view.sessionId })).resolves.toMatchObject({ status: 'open', room: { id: roomId } });
      expect(store.sessions.get(view.sessionId)?.fence).toEqual({ latitude: 45.1, longitude: 5.2, radiusM: 40 });
    });

    it('refuses an unknown room, and defaults a device position to 100 m', async () => {
      await rejectsWith(service.start({ actor: teacher, courseId, roomId: randomUUID(), lateAfterMinutes: 10 }), ErrorCode.ROOM_NOT_FOUND);
      await expect(service.start({ actor: teacher, courseId, position, lateAfterMinutes: 10 })).resolves.toMatchObject({ radiusM: 100 });
    });

    it('brings an open session in line with identity: added students may check in, removed ones may not', async () => {
      const view = await start();
      identity.accounts.set(dave.id, { ...dave, email: 'dave@uni.test', role: 'student' });
      // Not enrolled anywhere yet: nothing to add.
      await expect(service.syncEnrollment({ courseId, studentId: dave.id })).resolves.toBe('unchanged');
      identity.memberships.set(dave.id, [{ id: courseId, code: 'CS101', title: 'Algorithms', relation: 'student' }]);
      await expect(service.syncEnrollment({ courseId, studentId: dave.id })).resolves.toBe('changed');
      await expect(service.syncEnrollment({ courseId, studentId: dave.id })).resolves.toBe('unchanged');
      await expect(service.checkinContext({ sessionId: view.sessionId, studentId: dave.id })).resolves.toMatchObject({ enrolled: true });
      expect((await store.find(view.sessionId))?.enrolledCount).toBe(4);
      expect(await mark(view.sessionId, dave.id)).toMatchObject({ result: 'recorded' });
      // alice leaves the course while the session is open.
      identity.memberships.set(alice.id, []);
      await expect(service.syncEnrollment({ courseId, studentId: alice.id })).resolves.toBe('changed');
      await expect(service.checkinContext({ sessionId: view.sessionId, studentId: alice.id })).resolves.toMatchObject({ enrolled: false });
      await expect(mark(view.sessionId, alice.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.NOT_ENROLLED });
    });

    it('asks identity when a student missing from the snapshot checks in (the event may not have arrived yet)', async () => {
      const view = await start();
      identity.memberships.set(dave.id, [{ id: courseId, code: 'CS101', title: 'Algorithms', relation: 'student' }]);
      identity.accounts.set(dave.id, { ...dave, email: 'dave@uni.test', role: 'student' });
      await expect(service.checkinContext({ sessionId: view.sessionId, studentId: dave.id })).resolves.toMatchObject({ enrolled: true });
      const roster = await service.get({ actor: teacher, sessionId: view.sessionId });
      expect(roster.roster?.map((r) => r.name)).toContain('Dave Moreau');
      // A stranger stays out.
      await expect(service.checkinContext({ sessionId: view.sessionId, studentId: randomUUID() })).resolves.toMatchObject({ enrolled: false });
    });

    it('does nothing for a course without an open session', async () => {
      await expect(service.syncEnrollment({ courseId, studentId: dave.id })).resolves.toBe('no-open-session');
    });
  });
});
