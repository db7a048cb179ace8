/**
 * Redis comes back empty in the middle of a session (a managed Redis that fails over empty, or
 * one that keeps nothing on disk): FLUSHALL on the system's Redis while half the class has checked
 * in and some students are between their challenge and their submission. No accepted check-in may
 * be lost from the report, the teacher must be told why the session ended, every other student
 * must get a clear answer (never INTERNAL), and a new session must start and work. Then the same
 * with Redis killed, its files deleted and started again a moment later; and the teacher's screen
 * in a real browser (Chromium), which must say what happened.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ClientEvents, ErrorCode, ServerEvents, type Position } from '@classconnect/contracts';
import {
  EventLog,
  launchChromium,
  offsetNorth,
  openLaptop,
  request,
  requestOk,
  seatClass,
  signInPage,
  snapScreen,
  startTestSystem,
  type ClassFixture,
  type Classroom,
  type StudentClient,
  type TestSystem,
  stopFromRoster,
} from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const lectureHall: Position = { latitude: 52.2053, longitude: 0.1218, accuracy: 8 };

describe('Redis comes back empty during a session', () => {
  let sys: TestSystem;
  let room: Classroom;
  let cls: ClassFixture;
  let teacher: Socket;
  let students: StudentClient[];

  beforeAll(async () => {
    sys = await startTestSystem();
    room = await seatClass(sys, 10);
    ({ cls, teacher, students } = room);
  });

  afterAll(async () => {
    room?.close();
    await sys?.stop();
  });

  it('closes the session with a reason the teacher sees, keeps every accepted check-in, and lets a new session start', async () => {
    const closedPushes = new EventLog(teacher, ServerEvents.sessionClosed);
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });

    // Half the class checks in and is told accepted.
    const present = students.slice(0, 5);
    const verdicts = await Promise.all(present.map((s) => s.checkIn(session.sessionId, offsetNorth(lectureHall, 10))));
    expect(verdicts.map((v) => v.verdict)).toEqual(Array(5).fill('accepted'));

    // Three more are mid-check-in: they hold a challenge, and sign after Redis lost it.
    const midway = students.slice(5, 8);
    const challenges = await Promise.all(midway.map((s) => requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId })));
    const latecomers = students.slice(8);

    const redis = new Redis(sys.env.REDIS_URL!, { maxRetriesPerRequest: 3 });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }

    // Those midway submit what they signed: a clear refusal, never INTERNAL, either on the ack or as the verdict.
    const midwayAnswers = await Promise.all(
      midway.map(async (s, i) => {
        const assertion = await s.authenticator.getAssertion(challenges[i]!.options, { origin: s.origin });
        const ack = await request(s.socket, ClientEvents.checkinSubmit, {
          sessionId: session.sessionId,
          assertion,
          position: offsetNorth(lectureHall, 10),
          idempotencyKey: crypto.randomUUID(),
        });
        if (!ack.ok) return { code: ack.error.code as string, message: ack.error.message };
        const verdict = await s.results.waitFor((r) => r.submissionId === (ack.data as { submissionId: string }).submissionId, 30_000);
        return { code: verdict.verdict === 'accepted' ? 'ACCEPTED' : String(verdict.reason), message: verdict.message ?? '' };
      }),
    );
    for (const answer of midwayAnswers) {
      expect([ErrorCode.SESSION_NOT_OPEN, ErrorCode.CHALLENGE_NOT_FOUND]).toContain(answer.code);
      expect(answer.message.length).toBeGreaterThan(10);
    }

    // The teacher is told the session ended, and why (the sweep notices within seconds, a miss at once).
    const closed = await closedPushes.waitFor((c) => c.sessionId === session.sessionId, 30_000);
    expect(closed.closeReason).toBe('state-lost');
    const detail = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(detail).toMatchObject({ status: 'closed', closeReason: 'state-lost', presentCount: 5 });
    const stop = await request(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    expect(stop.ok).toBe(false);
    if (!stop.ok) {
      expect(stop.error.code).toBe(ErrorCode.SESSION_NOT_OPEN);
      expect(stop.error.message).toMatch(/lost after a server fault.*Start a new session/);
    }

    // Everyone who has not checked in, trying now (or again), is told the session is not open.
    for (const s of [...midway, ...latecomers]) {
      const begin = await request(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
      expect(begin.ok).toBe(false);
      if (!begin.ok) expect(begin.error.code).toBe(ErrorCode.SESSION_NOT_OPEN);
    }
    // One already present is told so, as before the loss.
    const again = await request(present[0]!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    expect(again.ok).toBe(false);
    if (!again.ok) expect([ErrorCode.SESSION_NOT_OPEN, ErrorCode.ALREADY_CHECKED_IN]).toContain(again.error.code);

    // The report holds every check-in told accepted, once, and nobody else.
    await ready.waitFor((r) => r.sessionId === session.sessionId, 60_000);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(report.rows).toHaveLength(10);
    const presentIds = report.rows.filter((r) => r.status === 'present').map((r) => r.studentId);
    expect(new Set(presentIds)).toEqual(new Set(present.map((_, i) => cls.students[i]!.id)));
    expect(presentIds).toHaveLength(5);

    // A new session starts at once and takes the whole class.
    const fresh = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });
    expect(fresh.sessionId).not.toBe(session.sessionId);
    const second = await Promise.all(students.map((s) => s.checkIn(fresh.sessionId, offsetNorth(lectureHall, 10))));
    expect(second.map((v) => v.verdict)).toEqual(Array(10).fill('accepted'));
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: fresh.sessionId });
    const freshClosed = await closedPushes.waitFor((c) => c.sessionId === fresh.sessionId, 30_000);
    expect(freshClosed.closeReason).toBe('stopped');
    await ready.waitFor((r) => r.sessionId === fresh.sessionId, 60_000);
    const freshReport = await requestOk(teacher, ClientEvents.reportGet, { sessionId: fresh.sessionId });
    expect(freshReport.rows.filter((r) => r.status === 'present')).toHaveLength(10);
  });

  it('does the same when Redis is killed and comes back empty after a few seconds down', async () => {
    const closedPushes = new EventLog(teacher, ServerEvents.sessionClosed);
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });
    const present = students.slice(0, 3);
    await Promise.all(present.map((s) => s.checkIn(session.sessionId, offsetNorth(lectureHall, 10))));

    // Where this Redis keeps its files, so that it can start again without them.
    const redis = new Redis(sys.env.REDIS_URL!, { maxRetriesPerRequest: 3 });
    const [, dir] = (await redis.config('GET', 'dir')) as [string, string];
    redis.disconnect();
    await sys.stopServer('redis', 'SIGKILL');
    for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });

    // While it is down, a check-in is told to try again later: never INTERNAL.
    const down = await request(students[5]!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    expect(down.ok).toBe(false);
    if (!down.ok) expect(down.error.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    await sys.startServer('redis');

    const closed = await closedPushes.waitFor((c) => c.sessionId === session.sessionId, 30_000);
    expect(closed.closeReason).toBe('state-lost');
    const begin = await request(students[5]!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    expect(begin.ok).toBe(false);
    if (!begin.ok) expect(begin.error.code).toBe(ErrorCode.SESSION_NOT_OPEN);

    await ready.waitFor((r) => r.sessionId === session.sessionId, 60_000);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(new Set(report.rows.filter((r) => r.status === 'present').map((r) => r.studentId))).toEqual(new Set(cls.students.slice(0, 3).map((s) => s.id)));

    const fresh = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });
    await expect(students[5]!.checkIn(fresh.sessionId, offsetNorth(lectureHall, 10))).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: fresh.sessionId });
  });

  it('shows the teacher in the web client that the session was closed after a fault, and lets them start again', async () => {
    const browser = await launchChromium();
    try {
      const page = await openLaptop(browser, sys.origin, lectureHall);
      await signInPage(page, sys.origin, cls.teacher.email, cls.teacher.password);
      await page.getByRole('button', { name: /^Start attendance for / }).click();
      await page.getByText('Attendance is open').waitFor();

      const redis = new Redis(sys.env.REDIS_URL!, { maxRetriesPerRequest: 3 });
      try {
        await redis.flushall();
      } finally {
        redis.disconnect();
      }

      const notice = page.getByTestId('session-lost-notice');
      await notice.waitFor({ timeout: 30_000 });
      expect(await notice.textContent()).toMatch(/closed by the system.*Start a new session/);
      expect(await snapScreen(page, 'redis-empty-01-teacher-notice')).toEqual([]);

      await page.getByRole('button', { name: 'Back to my courses' }).click();
      await page.getByRole('button', { name: /^Start attendance for / }).click();
      await page.getByText('Attendance is open').waitFor();
      await stopFromRoster(page);
      await page.getByText('Attendance report').waitFor();
      expect(await page.getByTestId('session-lost-notice').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
