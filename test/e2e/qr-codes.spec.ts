/**
 * Rotating QR codes through the real system: the teacher's screen fetching each step's code, students
 * checking in with the scanned token or the typed short code, and every way a code is refused
 * (required and missing, two steps old, another session's, guessed) with the reason each gets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ClientEvents, ErrorCode, ServerEvents, type CloudEvent, type Position, type QrCodeView, type SessionView } from '@classconnect/contracts';
import { connectNats, sleep, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { EventLog, offsetNorth, request, requestOk, seatClass, startTestSystem, type Classroom, type TestSystem, waitFor } from '@classconnect/testing';

const room: Position = { latitude: 48.1374, longitude: 11.5755, accuracy: 10 };
const inside = () => offsetNorth(room, 8);

describe('rotating QR codes', () => {
  let sys: TestSystem;
  let a: Classroom;
  let b: Classroom;
  let nc: NatsConnection;
  const events: CloudEvent[] = [];
  let session: SessionView;
  let other: SessionView;
  /** A code fetched at the start: by the end of the run it is two steps old. */
  let early: QrCodeView;

  const qrOf = (s: SessionView, teacher = a.teacher) => requestOk(teacher, ClientEvents.sessionQr, { sessionId: s.sessionId });
  const eventsOf = (type: string, submissionId: string) => events.filter((e) => e.type.endsWith(type) && (e.data as { submissionId?: string }).submissionId === submissionId);

  beforeAll(async () => {
    sys = await startTestSystem();
    [a, b] = await Promise.all([seatClass(sys, 9), seatClass(sys, 1)]);
    nc = await connectNats(sys.env.NATS_URL!, 'qr-e2e');
    subscribeEvents(nc, 'attendance.checkin.>', (e) => events.push(e));
  });

  afterAll(async () => {
    a?.close();
    b?.close();
    await nc?.close();
    await sys?.stop();
  });

  it('refuses QR options out of range', async () => {
    for (const qr of [{ mode: 'required', stepSeconds: 4 }, { mode: 'required', stepSeconds: 31 }, { mode: 'sometimes' }, { mode: 'offered', secret: 'x' }]) {
      const res = await request(a.teacher, ClientEvents.sessionStart, { courseId: a.cls.courseId, position: room, qr });
      expect({ qr, res }).toMatchObject({ res: { ok: false, error: { code: ErrorCode.VALIDATION_FAILED } } });
    }
  });

  it('starts a session that requires a QR code; the students are told so; the teacher gets a code per step', async () => {
    const opened = a.students[0]!.opened.waitFor((s) => s.courseId === a.cls.courseId);
    session = await requestOk(a.teacher, ClientEvents.sessionStart, { courseId: a.cls.courseId, position: room, radiusM: 50, qr: { mode: 'required', stepSeconds: 5 } });
    expect(session.qr).toEqual({ mode: 'required', stepSeconds: 5 });
    await expect(opened).resolves.toMatchObject({ sessionId: session.sessionId, qr: { mode: 'required', stepSeconds: 5 } });

    early = await qrOf(session);
    expect(early).toMatchObject({ sessionId: session.sessionId, mode: 'required', stepSeconds: 5 });
    expect(early.shortCode).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    expect(early.url).toBe(`${sys.origin}/checkin?session=${session.sessionId}&qr=${encodeURIComponent(early.token)}`);
    const msLeft = Date.parse(early.expiresAt) - Date.now();
    expect(msLeft).toBeGreaterThan(-1_000);
    expect(msLeft).toBeLessThanOrEqual(5_000);
    // Nothing secret in what the teacher receives, nor in the session as anyone sees it.
    expect(JSON.stringify(early)).not.toMatch(/secret/i);
    expect(JSON.stringify(await requestOk(a.teacher, ClientEvents.sessionGet, { sessionId: session.sessionId }))).not.toMatch(/secret/i);
  });

  it('lets only the course’s teachers fetch the code', async () => {
    await expect(request(a.students[0]!.socket, ClientEvents.sessionQr, { sessionId: session.sessionId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    await expect(request(b.teacher, ClientEvents.sessionQr, { sessionId: session.sessionId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });
    await expect(request(a.teacher, ClientEvents.sessionQr, { sessionId: session.sessionId, extra: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED },
    });
  });

  it('refuses a check-in without a code as QR_REQUIRED (v2), CHALLENGE_NOT_FOUND on v1', async () => {
    const result = await a.students[0]!.checkIn(session.sessionId, inside());
    expect(result).toMatchObject({ verdict: 'rejected', reason: ErrorCode.QR_REQUIRED });
    expect(result.message).toMatch(/code shown on the teacher/);
    await waitFor(() => eventsOf('checkin.rejected.v1', result.submissionId).length === 1, 'the rejection event', 5_000);
    expect(eventsOf('checkin.rejected.v2', result.submissionId)).toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: 'QR_REQUIRED' }) })]);
    expect(eventsOf('checkin.rejected.v1', result.submissionId)).toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: 'CHALLENGE_NOT_FOUND' }) })]);
  });

  it('accepts the current token, with qr among the proofs', async () => {
    const code = await qrOf(session);
    const token = new URL(code.url).searchParams.get('qr')!;
    expect(token).toBe(code.token);
    const result = await a.students[1]!.checkIn(session.sessionId, inside(), { qr: token });
    expect(result).toMatchObject({ verdict: 'accepted' });
    await waitFor(() => eventsOf('checkin.verified.v1', result.submissionId).length === 1, 'the verified event', 5_000);
    expect(eventsOf('checkin.verified.v1', result.submissionId)[0]!.data).toMatchObject({ methods: ['passkey', 'geofence', 'qr'] });
  });

  it('accepts the short code typed by hand (lower case, with a space)', async () => {
    const { shortCode } = await qrOf(session);
    const typed = `${shortCode.slice(0, 3)} ${shortCode.slice(3)}`.toLowerCase();
    await expect(a.students[2]!.checkIn(session.sessionId, inside(), { qr: typed })).resolves.toMatchObject({ verdict: 'accepted' });
  });

  it('refuses another session’s token as QR_WRONG_SESSION, and that session accepts check-ins without a code when it only offers QR', async () => {
    other = await requestOk(b.teacher, ClientEvents.sessionStart, { courseId: b.cls.courseId, position: room, qr: { mode: 'offered' } });
    expect(other.qr).toEqual({ mode: 'offered', stepSeconds: 10 });
    const theirs = await qrOf(other, b.teacher);
    await expect(a.students[3]!.checkIn(session.sessionId, inside(), { qr: theirs.token })).resolves.toMatchObject({
      verdict: 'rejected',
      reason: ErrorCode.QR_WRONG_SESSION,
    });
    const result = await b.students[0]!.checkIn(other.sessionId, inside());
    expect(result).toMatchObject({ verdict: 'accepted' });
    await waitFor(() => eventsOf('checkin.verified.v1', result.submissionId).length === 1, 'the verified event', 5_000);
    expect(eventsOf('checkin.verified.v1', result.submissionId)[0]!.data).toMatchObject({ methods: ['passkey', 'geofence'] });
  });

  it('throttles guessing: after five wrong codes in a minute even the right one is refused (RATE_LIMITED)', async () => {
    const guesser = a.students[4]!;
    for (const guess of ['ABCDEF', 'QWERTY', 'ZZZZZZ', 'not-a-code', `${early.token.slice(0, 8)}xxxxxxxxxxxxxxxxxx`]) {
      const result = await guesser.checkIn(session.sessionId, inside(), { qr: guess });
      expect({ guess, result }).toMatchObject({ result: { verdict: 'rejected', reason: ErrorCode.QR_INVALID } });
    }
    const { token } = await qrOf(session);
    await expect(guesser.checkIn(session.sessionId, inside(), { qr: token })).resolves.toMatchObject({ verdict: 'rejected', reason: ErrorCode.RATE_LIMITED });
  });

  it('refuses a code two steps old as QR_EXPIRED: a relayed photo stops working', async () => {
    // The early code's step ended at expiresAt; one more step later it is two steps old.
    const wait = Date.parse(early.expiresAt) + early.stepSeconds * 1000 + 300 - Date.now();
    if (wait > 0) await sleep(wait);
    const result = await a.students[5]!.checkIn(session.sessionId, inside(), { qr: early.token });
    expect(result).toMatchObject({ verdict: 'rejected', reason: ErrorCode.QR_EXPIRED });
    await waitFor(() => eventsOf('checkin.rejected.v1', result.submissionId).length === 1, 'the rejection event', 5_000);
    expect(eventsOf('checkin.rejected.v1', result.submissionId)[0]!.data).toMatchObject({ reason: 'CHALLENGE_NOT_FOUND' });
    // One push to the student, from v2 (the gateway drops v1's twin of a rejection it pushed from v2).
    await sleep(200);
    expect(a.students[5]!.results.items.filter((r) => r.submissionId === result.submissionId)).toHaveLength(1);
  });

  it('judges the code at checkin:begin: a typed code and a scanned token stay good however long the passkey and the position take', async () => {
    const typist = a.students[6]!;
    const scanner = a.students[7]!;
    const code = await qrOf(session);
    const begins = await Promise.all([
      request(typist.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId, qr: code.shortCode.toLowerCase() }),
      request(scanner.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId, qr: code.token }),
    ]);
    // A slow biometric prompt and a slow position: by the submit, even the typed code (with its 20 s
    // of grace) would be too old, and the token long since.
    const wait = Date.parse(code.expiresAt) + (1 + 20 / code.stepSeconds) * code.stepSeconds * 1000 + 500 - Date.now();
    await sleep(wait);
    const results = await Promise.all(
      [typist, scanner].map(async (student, i) => {
        const begin = begins[i]!;
        if (!begin.ok) throw new Error(`begin refused: ${begin.error.code}`);
        const assertion = await student.authenticator.getAssertion(begin.data.options, { origin: student.origin });
        const ack = await requestOk(student.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position: inside(), idempotencyKey: crypto.randomUUID() });
        return student.results.waitFor((r) => r.submissionId === ack.submissionId);
      }),
    );
    expect(results.map((r) => r.verdict)).toEqual(['accepted', 'accepted']);
    await waitFor(() => results.every((r) => eventsOf('checkin.verified.v1', r.submissionId).length === 1), 'the verified events', 5_000);
    for (const r of results) expect(eventsOf('checkin.verified.v1', r.submissionId)[0]!.data).toMatchObject({ methods: ['passkey', 'geofence', 'qr'] });

    // The same token, given now at a begin, is two steps old: refused there, no challenge, and the
    // teacher's roster hears "needs retry" (a rejection with the QR reason) from the public event.
    const roster = new EventLog(a.teacher, ServerEvents.rosterUpdate);
    const late = a.students[8]!;
    const lateId = a.cls.students[8]!.id;
    const refused = await request(late.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId, qr: code.token });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.QR_EXPIRED, message: expect.stringMatching(/already changed/) } });
    await expect(roster.waitFor((u) => u.studentId === lateId)).resolves.toMatchObject({ sessionId: session.sessionId, state: 'rejected', reason: 'QR_EXPIRED' });
    await waitFor(() => events.some((e) => e.type.endsWith('checkin.code-refused.v1') && (e.data as { studentId: string }).studentId === lateId), 'the code-refused event', 5_000);
    expect(events.filter((e) => (e.data as { studentId?: string }).studentId === lateId).map((e) => e.type)).toEqual(['edu.classconnect.attendance.checkin.code-refused.v1']);
    // Begun again with the code shown now, the student checks in.
    await expect(late.checkIn(session.sessionId, inside(), { qr: (await qrOf(session)).token, qrAt: 'begin' })).resolves.toMatchObject({ verdict: 'accepted' });
  });

  it('drops the secret when the session stops; no code is shown any more', async () => {
    const redis = new Redis(sys.env.REDIS_URL!);
    try {
      expect(await redis.hget(`cc:session:${session.sessionId}`, 'qrSecret')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      await requestOk(a.teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
      expect(await redis.hget(`cc:session:${session.sessionId}`, 'qrSecret')).toBeNull();
    } finally {
      redis.disconnect();
    }
    await expect(request(a.teacher, ClientEvents.sessionQr, { sessionId: session.sessionId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_NOT_OPEN },
    });
  });

  it('answers QR_NOT_ENABLED for a session without QR codes', async () => {
    await requestOk(b.teacher, ClientEvents.sessionStop, { sessionId: other.sessionId });
    const plain = await requestOk(b.teacher, ClientEvents.sessionStart, { courseId: b.cls.courseId, position: room });
    expect(plain.qr).toBeUndefined();
    await expect(request(b.teacher, ClientEvents.sessionQr, { sessionId: plain.sessionId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.QR_NOT_ENABLED },
    });
  });
});

