/**
 * Cheats and mistakes, each through the real system: every one gets its own error code, and at the
 * end the report shows that none of them changed anything.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, ServerEvents, type ClientEvent, type Position, type SessionView } from '@classconnect/contracts';
import { EventLog, StudentClient, connectSocket, offsetNorth, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const room: Position = { latitude: 45.5017, longitude: -73.5673, accuracy: 10 };
const here = offsetNorth(room, 5);

describe('abuse and bad input', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let other: ClassFixture;
  let teacher: Socket;
  let otherTeacher: Socket;
  let students: StudentClient[];
  let outsider: StudentClient;
  let session: SessionView;
  let otherSession: SessionView;

  beforeAll(async () => {
    sys = await startTestSystem();
    [cls, other] = await Promise.all([sys.createClass(6), sys.createClass(1)]);
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    otherTeacher = await connectSocket(sys.gatewayUrl, await sys.signIn(other.teacher.email, other.teacher.password));
    students = await Promise.all(cls.students.map(async (s) => StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password))));
    outsider = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(other.students[0]!.email, other.students[0]!.password));
    await Promise.all([...students, outsider].map((s) => s.registerPasskey()));
    session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
    otherSession = await requestOk(otherTeacher, ClientEvents.sessionStart, { courseId: other.courseId, position: room, radiusM: 50 });
  });

  afterAll(async () => {
    [teacher, otherTeacher].forEach((s) => s?.close());
    [...(students ?? []), outsider].forEach((s) => s?.close());
    await sys?.stop();
  });

  it('refuses a connection without a valid token', async () => {
    await expect(connectSocket(sys.gatewayUrl, undefined)).rejects.toMatchObject({ data: { code: ErrorCode.UNAUTHENTICATED } });
    await expect(connectSocket(sys.gatewayUrl, 'not-a-token')).rejects.toMatchObject({ data: { code: ErrorCode.UNAUTHENTICATED } });
  });

  it('refuses a replayed assertion', async () => {
    const s = students[0]!;
    const begin = await requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
    const first = await requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position: here, idempotencyKey: randomUUID() });
    expect(await s.results.waitFor((r) => r.submissionId === first.submissionId)).toMatchObject({ verdict: 'accepted' });
    const replay = await requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position: here, idempotencyKey: randomUUID() });
    expect(await s.results.waitFor((r) => r.submissionId === replay.submissionId)).toMatchObject({
      verdict: 'rejected',
      reason: ErrorCode.CHALLENGE_ALREADY_USED,
    });
  });

  it('treats a retry of the same submission as one check-in', async () => {
    const s = students[5]!;
    const begin = await requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
    const payload = { sessionId: session.sessionId, assertion, position: here, idempotencyKey: randomUUID() };
    const [a, b] = await Promise.all([requestOk(s.socket, ClientEvents.checkinSubmit, payload), requestOk(s.socket, ClientEvents.checkinSubmit, payload)]);
    expect(a.submissionId).toBe(b.submissionId);
    expect(await s.results.waitFor((r) => r.submissionId === a.submissionId)).toMatchObject({ verdict: 'accepted' });
    // A retry after the verdict (say, after a lost connection) gets the verdict in its ack, and nothing new happens.
    const late = await requestOk(s.socket, ClientEvents.checkinSubmit, payload);
    expect(late).toMatchObject({ submissionId: a.submissionId, status: 'decided', result: { verdict: 'accepted', submissionId: a.submissionId } });
  });

  it('refuses a second check-in by a student already present', async () => {
    const again = await request(students[0]!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    expect(again).toMatchObject({ ok: false, error: { code: ErrorCode.ALREADY_CHECKED_IN } });
  });

  it('refuses a challenge used for another session', async () => {
    const s = outsider;
    const begin = await requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: otherSession.sessionId });
    const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
    const ack = await requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position: here, idempotencyKey: randomUUID() });
    expect(await s.results.waitFor((r) => r.submissionId === ack.submissionId)).toMatchObject({ verdict: 'rejected', reason: ErrorCode.CHALLENGE_MISMATCH });
  });

  it('refuses a challenge issued to another student', async () => {
    const [victim, thief] = [students[1]!, students[2]!];
    const begin = await requestOk(victim.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    // The thief signs the victim's challenge with the thief's own passkey.
    const options = { ...begin.options, allowCredentials: thief.authenticator.credentialIds.map((id) => ({ id, type: 'public-key' as const })) };
    const assertion = await thief.authenticator.getAssertion(options, { origin: thief.origin });
    const ack = await requestOk(thief.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position: here, idempotencyKey: randomUUID() });
    expect(await thief.results.waitFor((r) => r.submissionId === ack.submissionId)).toMatchObject({ verdict: 'rejected', reason: ErrorCode.CHALLENGE_MISMATCH });
  });

  it('refuses a student who is not enrolled', async () => {
    const res = await request(outsider.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_ENROLLED } });
  });

  it('refuses sessions that do not exist or are closed', async () => {
    expect(await request(students[3]!.socket, ClientEvents.checkinBegin, { sessionId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_NOT_FOUND },
    });
    // A challenge taken while the session was open, submitted after it closed.
    const s = outsider;
    const begin = await requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: otherSession.sessionId });
    await requestOk(otherTeacher, ClientEvents.sessionStop, { sessionId: otherSession.sessionId });
    const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
    const ack = await requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: otherSession.sessionId, assertion, position: here, idempotencyKey: randomUUID() });
    expect(await s.results.waitFor((r) => r.submissionId === ack.submissionId)).toMatchObject({ verdict: 'rejected', reason: ErrorCode.SESSION_NOT_OPEN });
    expect(await request(s.socket, ClientEvents.checkinBegin, { sessionId: otherSession.sessionId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_NOT_OPEN },
    });
    expect(await request(otherTeacher, ClientEvents.sessionStop, { sessionId: otherSession.sessionId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_NOT_OPEN },
    });
  });

  it('refuses students who try to start or stop a session, and teachers of other courses', async () => {
    const s = students[3]!.socket;
    expect(await request(s, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await request(s, ClientEvents.sessionStop, { sessionId: session.sessionId })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await request(otherTeacher, ClientEvents.sessionStop, { sessionId: session.sessionId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });
    expect(await request(otherTeacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });
    expect(await request(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_ALREADY_OPEN },
    });
  });

  it('refuses a client that claims another student’s id', async () => {
    const [s, victim] = [students[3]!, cls.students[4]!];
    const res = await request(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId, studentId: victim.id });
    expect(res).toMatchObject({ ok: false, error: { code: ErrorCode.IDENTITY_MISMATCH } });
  });

  it('answers every malformed payload of every client event with VALIDATION_FAILED', async () => {
    const junk: unknown[] = [
      'text',
      42,
      [1, 2],
      { unexpected: true },
      { sessionId: 'not-a-uuid', courseId: 'x' },
      { sessionId: randomUUID(), position: { latitude: 200, longitude: 0, accuracy: 5 }, assertion: {}, idempotencyKey: 'x' },
      { courseId: randomUUID(), position: { latitude: 1, longitude: 1, accuracy: -1 }, radiusM: 5 },
      { response: { id: '!!', rawId: 'x', type: 'public-key', response: {} } },
      { sessionId: randomUUID(), assertion: { id: 'a'.repeat(5_000) }, position: here, idempotencyKey: randomUUID() },
    ];
    const events = Object.values(ClientEvents) as ClientEvent[];
    const emptyOk = new Set<ClientEvent>([ClientEvents.sessionsActive, ClientEvents.passkeyOptions, ClientEvents.passkeyList, ClientEvents.whoami]);
    for (const event of events) {
      for (const payload of junk) {
        // Events without fields accept {} only: anything else is malformed too.
        if (emptyOk.has(event) && typeof payload === 'object' && payload !== null && !Array.isArray(payload) && Object.keys(payload).length === 0) continue;
        for (const socket of [teacher, students[3]!.socket]) {
          const res = await requestWithinLimits(socket, event, payload);
          expect({ event, payload, res }).toMatchObject({ res: { ok: false, error: { code: ErrorCode.VALIDATION_FAILED } } });
          if (!res.ok) expect(res.error.message.length).toBeGreaterThan(10);
        }
      }
    }
  });

  it('answers a flood of events with RATE_LIMITED, and serves the client again once it slows down', async () => {
    const flood = await Promise.all(Array.from({ length: 80 }, () => request(students[4]!.socket, ClientEvents.sessionsActive, {})));
    const limited = flood.filter((r) => !r.ok && r.error.code === ErrorCode.RATE_LIMITED);
    expect(limited.length).toBeGreaterThan(0);
    expect(flood.filter((r) => r.ok).length).toBeGreaterThan(0);
    if (!limited[0]!.ok) expect(limited[0]!.error.message).toMatch(/wait \d+ seconds? and try again/);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await request(students[4]!.socket, ClientEvents.sessionsActive, {})).toMatchObject({ ok: true });
  });

  it('ends with a report that none of the above changed', async () => {
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    const present = report.rows.filter((r) => r.status === 'present').map((r) => r.studentId).sort();
    expect(present).toEqual([cls.students[0]!.id, cls.students[5]!.id].sort());
    expect(report.rows).toHaveLength(6);
    expect(report.rows.map((r) => r.studentId)).not.toContain(other.students[0]!.id);
    // Students cannot read reports.
    expect(await request(students[0]!.socket, ClientEvents.reportGet, { sessionId: session.sessionId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
  });
});

/** Sends like a well-behaved client: when told RATE_LIMITED, waits and sends again. */
async function requestWithinLimits(socket: Socket, event: ClientEvent, payload: unknown) {
  for (;;) {
    const res = await request(socket, event, payload);
    if (res.ok || res.error.code !== ErrorCode.RATE_LIMITED) return res;
    await new Promise((r) => setTimeout(r, 500));
  }
}
