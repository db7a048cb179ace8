/**
 * Check-in flags through the real system: signs a teacher should see, which never refuse a check-in
 * by themselves. An accuracy of 0, two students at exactly the same coordinates, one student in two
 * open sessions ~100 km apart moments apart, two students on one device: each accepted, flagged,
 * pushed to the course's teachers, published on the ATTENDANCE stream, and shown in the report and
 * its CSV. Nothing flagged holds a coordinate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { ClientEvents, EventSubjects, ServerEvents, Streams, type CheckinResult, type CloudEvent, type Position, type SessionView } from '@classconnect/contracts';
import { connectNats, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import {
  EventLog,
  StudentClient,
  connectSocket,
  offsetNorth,
  request,
  requestOk,
  seatClass,
  startTestSystem,
  type Classroom,
  type TestSystem,
} from '@classconnect/testing';

// Distinctive digits, so a copy of a coordinate in a flag would be easy to find.
const roomA: Position = { latitude: 45.761234, longitude: 4.835678, accuracy: 10 };
// About 100 km north of room A.
const roomB: Position = { latitude: 46.660321, longitude: 4.835678, accuracy: 10 };
// Not after a digit, nor after "<digit>:" — so an ISO time such as 08:47:45.763Z never matches.
const coordinatePattern = /(?<!\d|\d:)(45\.76|4\.835|46\.66)/;

describe('check-in flags', () => {
  let sys: TestSystem;
  let a: Classroom;
  let b: Classroom;
  let nc: NatsConnection;
  let sessionA: SessionView;
  let sessionB: SessionView;
  let flagsA: EventLog<typeof ServerEvents.checkinFlagged>;
  let flagsB: EventLog<typeof ServerEvents.checkinFlagged>;
  const streamEvents: CloudEvent[] = [];
  let stopStream: (() => void) | undefined;
  const extraSockets: Socket[] = [];
  let teacherTokenA: string;
  let studentPushes: EventLog<typeof ServerEvents.checkinFlagged>[] = [];

  const idOf = (i: number) => a.cls.students[i]!.id;
  /** Waits until the teacher's screen has been told of `code` for student `i`. */
  const pushed = (log: EventLog<typeof ServerEvents.checkinFlagged>, studentId: string, code: string) =>
    log.waitFor((e) => e.studentId === studentId && e.flags.some((f) => f.code === code));
  const accepted = (r: CheckinResult) => expect(r).toMatchObject({ verdict: 'accepted' });

  /** A check-in from a socket of its own (same account, same passkey), e.g. with another device id. */
  async function checkInFrom(socket: Socket, student: StudentClient, sessionId: string, position: Position): Promise<CheckinResult> {
    const begin = await requestOk(socket, ClientEvents.checkinBegin, { sessionId });
    const assertion = await student.authenticator.getAssertion(begin.options, { origin: sys.origin });
    const ack = await requestOk(socket, ClientEvents.checkinSubmit, { sessionId, assertion, position, idempotencyKey: randomUUID() });
    return student.results.waitFor((r) => r.submissionId === ack.submissionId);
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    [a, b] = await Promise.all([seatClass(sys, 8), seatClass(sys, 1)]);
    teacherTokenA = await sys.signIn(a.cls.teacher.email, a.cls.teacher.password);
    // Student 7 of class A also attends class B (enrolled before B's session opens, so it is on its roster).
    const db = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query('INSERT INTO identity.enrollments (course_id, student_id) VALUES ($1, $2)', [b.cls.courseId, idOf(7)]);
    } finally {
      await db.end();
    }
    // A subscribing system: reads the flag events from the ATTENDANCE stream.
    nc = await connectNats(sys.env.NATS_URL!, 'flags-e2e');
    const consumer = await jetstream(nc).consumers.get(Streams.attendance.name, { filter_subjects: EventSubjects.checkinFlagged });
    const messages = await consumer.consume();
    stopStream = () => void messages.stop();
    void (async () => {
      for await (const m of messages) streamEvents.push(decodeEvent(m.data));
    })();

    flagsA = new EventLog(a.teacher, ServerEvents.checkinFlagged);
    flagsB = new EventLog(b.teacher, ServerEvents.checkinFlagged);
    studentPushes = a.students.map((s) => new EventLog(s.socket, ServerEvents.checkinFlagged));
    sessionA = await requestOk(a.teacher, ClientEvents.sessionStart, { courseId: a.cls.courseId, position: roomA, radiusM: 100 });
    sessionB = await requestOk(b.teacher, ClientEvents.sessionStart, { courseId: b.cls.courseId, position: roomB, radiusM: 100 });
  });

  afterAll(async () => {
    stopStream?.();
    extraSockets.forEach((s) => s.close());
    a?.close();
    b?.close();
    await nc?.close();
    await sys?.stop();
  });

  it('accepts a position reported with an accuracy of 0, and flags it ACCURACY_ZERO', async () => {
    accepted(await a.students[0]!.checkIn(sessionA.sessionId, { ...offsetNorth(roomA, 10), accuracy: 0 }));
    const push = await pushed(flagsA, idOf(0), 'ACCURACY_ZERO');
    expect(push).toMatchObject({ sessionId: sessionA.sessionId, courseId: a.cls.courseId });
    expect(push.flags.find((f) => f.code === 'ACCURACY_ZERO')!.detail).toMatch(/accuracy of exactly 0 m/);
  });

  it('flags both students who report exactly identical coordinates (the first once the second matches)', async () => {
    const same = offsetNorth(roomA, 23.5, 12);
    accepted(await a.students[1]!.checkIn(sessionA.sessionId, same));
    accepted(await a.students[2]!.checkIn(sessionA.sessionId, same));
    await pushed(flagsA, idOf(2), 'IDENTICAL_POSITION');
    await pushed(flagsA, idOf(1), 'IDENTICAL_POSITION');
  });

  it('flags two students checking in from one device within seconds SHARED_DEVICE, both of them', async () => {
    const device = `shared-phone-${randomUUID()}`;
    for (const i of [3, 4]) {
      const socket = await connectSocket(sys.gatewayUrl, await sys.signIn(a.cls.students[i]!.email, a.cls.students[i]!.password), { deviceId: device });
      extraSockets.push(socket);
      accepted(await checkInFrom(socket, a.students[i]!, sessionA.sessionId, offsetNorth(roomA, 30 + i)));
    }
    await pushed(flagsA, idOf(4), 'SHARED_DEVICE');
    await pushed(flagsA, idOf(3), 'SHARED_DEVICE');
  });

  it('flags a student who checks in to two open sessions ~100 km apart moments apart IMPOSSIBLE_TRAVEL, in both sessions', async () => {
    accepted(await a.students[7]!.checkIn(sessionA.sessionId, offsetNorth(roomA, 15)));
    accepted(await a.students[7]!.checkIn(sessionB.sessionId, offsetNorth(roomB, 15)));
    const inB = await pushed(flagsB, idOf(7), 'IMPOSSIBLE_TRAVEL');
    expect(inB.sessionId).toBe(sessionB.sessionId);
    expect(inB.flags[0]!.detail).toMatch(/another session at least \d+ km away .* earlier: faster than 300 km\/h/);
    const inA = await pushed(flagsA, idOf(7), 'IMPOSSIBLE_TRAVEL');
    expect(inA.flags[0]!.detail).toMatch(/later/);
  });

  it('flags a check-in CONCURRENT_USE when the same account began one on another device moments before', async () => {
    const other = await connectSocket(sys.gatewayUrl, await sys.signIn(a.cls.students[6]!.email, a.cls.students[6]!.password), { deviceId: `friends-phone-${randomUUID()}` });
    extraSockets.push(other);
    await requestOk(other, ClientEvents.checkinBegin, { sessionId: sessionA.sessionId });
    accepted(await a.students[6]!.checkIn(sessionA.sessionId, offsetNorth(roomA, 44)));
    const push = await pushed(flagsA, idOf(6), 'CONCURRENT_USE');
    expect(push.flags.map((f) => f.code)).toEqual(['CONCURRENT_USE']);
  });

  it('does not flag an ordinary check-in', async () => {
    accepted(await a.students[5]!.checkIn(sessionA.sessionId, offsetNorth(roomA, 40)));
  });

  it('gives the course’s teachers the flags found so far with flags:get, and nobody else', async () => {
    // Read from report-service's projection of the stream, which follows at its own pace.
    let codes = new Map<string, string[]>();
    for (let i = 0; i < 300 && !(codes.has(idOf(0)) && codes.has(idOf(3))); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const live = await requestOk(a.teacher, ClientEvents.flagsGet, { sessionId: sessionA.sessionId });
      codes = new Map(live.students.map((s) => [s.studentId, s.flags.map((f) => f.code)]));
    }
    expect(codes.get(idOf(0))).toEqual(['ACCURACY_ZERO']);
    expect(codes.get(idOf(3))).toEqual(['SHARED_DEVICE']);
    expect(codes.has(idOf(5))).toBe(false);
    await expect(request(a.students[0]!.socket, ClientEvents.flagsGet, { sessionId: sessionA.sessionId })).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await expect(request(b.teacher, ClientEvents.flagsGet, { sessionId: sessionA.sessionId })).resolves.toMatchObject({ ok: false, error: { code: 'NOT_COURSE_TEACHER' } });
    await expect(request(a.teacher, ClientEvents.flagsGet, { sessionId: 'nope' })).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('shows every flag in the report and in its CSV, and nothing on the others', async () => {
    const ready = new EventLog(a.teacher, ServerEvents.reportReady);
    await requestOk(a.teacher, ClientEvents.sessionStop, { sessionId: sessionA.sessionId });
    await requestOk(b.teacher, ClientEvents.sessionStop, { sessionId: sessionB.sessionId });
    await ready.waitFor((r) => r.sessionId === sessionA.sessionId);
    const report = await requestOk(a.teacher, ClientEvents.reportGet, { sessionId: sessionA.sessionId });
    const codesOf = (i: number) => (report.rows.find((r) => r.studentId === idOf(i))?.flags ?? []).map((f) => f.code).sort();
    expect(codesOf(0)).toEqual(['ACCURACY_ZERO']);
    expect(codesOf(1)).toEqual(['IDENTICAL_POSITION']);
    expect(codesOf(2)).toEqual(['IDENTICAL_POSITION']);
    expect(codesOf(3)).toEqual(['SHARED_DEVICE']);
    expect(codesOf(4)).toEqual(['SHARED_DEVICE']);
    expect(codesOf(7)).toEqual(['IMPOSSIBLE_TRAVEL']);
    expect(codesOf(6)).toEqual(['CONCURRENT_USE']);
    expect(codesOf(5)).toEqual([]);
    // Flagged, and still present: the teacher decides.
    for (const i of [0, 1, 2, 3, 4, 6, 7]) expect(report.rows.find((r) => r.studentId === idOf(i))?.status).toBe('present');

    const res = await fetch(`${sys.gatewayUrl}/api/sessions/${sessionA.sessionId}/report.csv`, { headers: { authorization: `Bearer ${teacherTokenA}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]!.split(',').at(-1)).toBe('flags');
    const lineOf = (i: number) => lines.find((l) => l.startsWith(idOf(i)))!;
    expect(lineOf(0).endsWith(',ACCURACY_ZERO')).toBe(true);
    expect(lineOf(3).endsWith(',SHARED_DEVICE')).toBe(true);
    expect(lineOf(5).endsWith(',')).toBe(true);
    expect(JSON.stringify(report)).not.toMatch(coordinatePattern);
    // Pushed to each course's teachers only: never to the students, never across courses.
    expect(studentPushes.every((log) => log.items.length === 0)).toBe(true);
    expect(flagsB.items.every((e) => e.courseId === b.cls.courseId && e.studentId === idOf(7))).toBe(true);
    expect(flagsA.items.every((e) => e.courseId === a.cls.courseId)).toBe(true);
  });

  it('publishes each flag as attendance.checkin.flagged.v1 on the ATTENDANCE stream, without coordinates', async () => {
    const events = streamEvents;
    const flagged = (studentId: string, code: string) =>
      events.some((e) => {
        const d = e.data as { studentId: string; flags: { code: string }[] };
        return d.studentId === studentId && d.flags.some((f) => f.code === code);
      });
    const travel = () => events.filter((e) => (e.data as { studentId: string }).studentId === idOf(7));
    // The subscriber reads at its own pace: wait (up to 30 s) until it has read them all.
    const all = () =>
      flagged(idOf(0), 'ACCURACY_ZERO') && flagged(idOf(1), 'IDENTICAL_POSITION') && flagged(idOf(2), 'IDENTICAL_POSITION') &&
      flagged(idOf(3), 'SHARED_DEVICE') && flagged(idOf(4), 'SHARED_DEVICE') && travel().length >= 2;
    for (let i = 0; i < 300 && !all(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(events.every((e) => e.type === 'edu.classconnect.attendance.checkin.flagged.v1' && e.specversion === '1.0')).toBe(true);
    expect(flagged(idOf(0), 'ACCURACY_ZERO')).toBe(true);
    expect(flagged(idOf(1), 'IDENTICAL_POSITION') && flagged(idOf(2), 'IDENTICAL_POSITION')).toBe(true);
    expect(flagged(idOf(3), 'SHARED_DEVICE') && flagged(idOf(4), 'SHARED_DEVICE')).toBe(true);
    expect(travel().map((e) => (e.data as { sessionId: string }).sessionId).sort()).toEqual([sessionA.sessionId, sessionB.sessionId].sort());
    expect(JSON.stringify(events)).not.toMatch(coordinatePattern);
  });
});

describe('check-in flags: what is kept', () => {
  it('deletes a session’s flag state (its HMAC key and digests) when the session closes', async () => {
    const sys = await startTestSystem();
    const seated = await seatClass(sys, 2);
    const redis = new Redis(sys.env.REDIS_URL!);
    try {
      const session = await requestOk(seated.teacher, ClientEvents.sessionStart, { courseId: seated.cls.courseId, position: roomA, radiusM: 100 });
      const same = offsetNorth(roomA, 12);
      for (const s of seated.students) await s.checkIn(session.sessionId, same);
      const flagKeys = () => redis.keys(`cc:flags:*:${session.sessionId}`);
      // While open: a key and digests, and no coordinate among them.
      const open = await flagKeys();
      expect(open.sort()).toEqual([`cc:flags:dev:${session.sessionId}`, `cc:flags:key:${session.sessionId}`, `cc:flags:pos:${session.sessionId}`, `cc:flags:use:${session.sessionId}`]);
      const stored = JSON.stringify(await Promise.all(open.filter((k) => !k.includes(':key:')).map((k) => redis.hgetall(k))));
      expect(stored).not.toMatch(coordinatePattern);
      expect(stored).not.toMatch(/test-device-/);
      await requestOk(seated.teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
      let left = await flagKeys();
      for (let i = 0; i < 300 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await flagKeys();
      }
      expect(left).toEqual([]);
    } finally {
      redis.disconnect();
      seated.close();
      await sys.stop();
    }
  });
});
