/**
 * Text at the edge, through the real system: a control character in any field a client sends is
 * refused by the gateway as VALIDATION_FAILED naming the field, and nothing changes. Once, a
 * hand-mark reason with U+0000 was acked ok and then stalled every report; here the report of the
 * same session still builds. Every text field of every client event and HTTP body is sent with a
 * NUL (found by walking the schemas, so a new field is covered the day it is added), then a few
 * real flows: a mark, a search, a passkey's device name, NFC, a roster file too large for HTTP
 * (413 with our JSON) and for a socket message (the connection closes: docs/protocol.md §1.2).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ClientEvents,
  ClientPayloads,
  ErrorCode,
  PasskeySignInRequest,
  RefreshRequest,
  RosterCsvMaxChars,
  ServerEvents,
  SignInRequest,
  SsoExchangeRequest,
  schemaTextFields,
  valueAt,
  type ClientEvent,
  type ErrorBody,
  type Position,
  type Result,
  type SessionView,
} from '@classconnect/contracts';
import { EventLog, StudentClient, connectSocket, offsetNorth, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';
import type { z } from 'zod';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const room: Position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };
const Nul = 'text-\u0000-text';

/** Sends and, told RATE_LIMITED, waits as asked and sends again: this spec sends many events from one socket. */
async function send(socket: Socket, event: ClientEvent, payload: unknown): Promise<Result<unknown>> {
  let ack = (await request(socket, event, payload)) as Result<unknown>;
  for (let i = 0; i < 10 && !ack.ok && ack.error.code === ErrorCode.RATE_LIMITED; i++) {
    await new Promise((r) => setTimeout(r, 1_100));
    ack = (await request(socket, event, payload)) as Result<unknown>;
  }
  return ack;
}

/** The refusal's error body, or a failure when the request was accepted. */
function refusal(ack: Result<unknown>): ErrorBody {
  if (ack.ok) throw new Error(`accepted: ${JSON.stringify(ack.data).slice(0, 200)}`);
  return ack.error;
}

describe('text at the edge', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let admin: Socket;
  let teacher: Socket;
  let teacherToken: string;
  let student: StudentClient;
  let session: SessionView;
  const unique = randomBytes(3).toString('hex');

  /** What the refused requests could have changed, read by the admin and the teacher. */
  async function snapshot() {
    // Not the audit log: it follows the event stream, so entries for the set-up may still be arriving.
    const [users, courses, rooms, roster, passkeys] = await Promise.all([
      requestOk(admin, ClientEvents.userList, { limit: 1 }),
      requestOk(admin, ClientEvents.courseList, {}),
      requestOk(admin, ClientEvents.roomList, {}),
      requestOk(teacher, ClientEvents.courseRoster, { courseId: cls.courseId }),
      requestOk(student.socket, ClientEvents.passkeyList, {}),
    ]);
    const live = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    return {
      users: users.total,
      courses: courses.courses.map((c) => [c.id, c.title, c.term, c.teachers.length]),
      rooms: rooms.rooms.map((r) => [r.id, r.name, r.building]),
      roster: roster.students.map((s) => s.id).sort(),
      passkeys: passkeys.passkeys.map((p) => [p.credentialId, p.deviceName]),
      marks: live.roster?.map((r) => [r.studentId, r.status, r.override?.reason]),
    };
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(3);
    await seedDemoAdmin(sys);
    admin = await connectSocket(sys.gatewayUrl, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    teacherToken = await sys.signIn(cls.teacher.email, cls.teacher.password);
    teacher = await connectSocket(sys.gatewayUrl, teacherToken);
    student = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(cls.students[0]!.email, cls.students[0]!.password));
    await student.registerPasskey('Ada’s phone');
    await requestOk(admin, ClientEvents.roomCreate, { name: `Amphi ${unique}`, building: 'Bâtiment A', latitude: room.latitude, longitude: room.longitude, defaultRadiusM: 50 });
    session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
  });

  afterAll(async () => {
    [admin, teacher].forEach((s) => s?.close());
    student?.close();
    await sys?.stop();
  });

  it('refuses U+0000 in every text field of every client event, naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const fields = (Object.entries(ClientPayloads) as [ClientEvent, z.ZodType][]).flatMap(([event, schema]) =>
      schemaTextFields(schema).strings.map((path) => ({ event, path, field: path.join('.') })),
    );
    expect(fields.length).toBeGreaterThan(60);
    const wrong: unknown[] = [];
    for (const { event, path, field } of fields) {
      const error = refusal(await send(admin, event, valueAt(path, Nul)));
      if (error.code !== ErrorCode.VALIDATION_FAILED || !error.issues?.some((i) => i.path === field)) wrong.push({ event, field, error });
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses U+0000 in every text field of the HTTP bodies, naming the field in our JSON error', async () => {
    const bodies: [string, z.ZodType][] = [
      ['/api/auth/sign-in', SignInRequest],
      ['/api/auth/refresh', RefreshRequest],
      ['/api/auth/passkey/verify', PasskeySignInRequest],
      ['/api/auth/sso/exchange', SsoExchangeRequest],
    ];
    const wrong: unknown[] = [];
    for (const [route, schema] of bodies) {
      for (const path of schemaTextFields(schema).strings) {
        const res = await fetch(`${sys.gatewayUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valueAt(path, Nul)) });
        const body = (await res.json()) as { error: ErrorBody };
        if (res.status !== 400 || body.error.code !== ErrorCode.VALIDATION_FAILED || !body.error.issues?.some((i) => i.path === path.join('.'))) {
          wrong.push({ route, field: path.join('.'), status: res.status, body });
        }
      }
    }
    expect(wrong).toEqual([]);
    // A password may hold any character but NUL: the sentence says so.
    const res = await fetch(`${sys.gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: cls.students[0]!.email, password: `${cls.students[0]!.password}\u0000` }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'The sign-in is not valid: password must not contain the NUL character (U+0000).', issues: [{ path: 'password', message: 'must not contain the NUL character (U+0000)' }] },
    });
  });

  it('refuses a hand-mark reason with U+0000, and the session’s report still builds with the marks that were accepted', async () => {
    const marks = new EventLog(teacher, ServerEvents.markChanged);
    const target = cls.students[1]!.id;
    const bad = await request(teacher, ClientEvents.attendanceMark, { sessionId: session.sessionId, targetStudentId: target, status: 'excused', reason: 'Ill\u0000' });
    expect(refusal(bad)).toEqual({
      code: ErrorCode.VALIDATION_FAILED,
      message: 'The attendance:mark payload is not valid: reason must not contain control characters.',
      issues: [{ path: 'reason', message: 'must not contain control characters' }],
    });
    // A reason typed on two lines with a combining accent: kept on two lines, composed to NFC.
    const ok = await requestOk(teacher, ClientEvents.attendanceMark, { sessionId: session.sessionId, targetStudentId: target, status: 'excused', reason: 'Certificat me\u0301dical\nvu le 3' });
    expect(ok.reason).toBe('Certificat médical\nvu le 3');
    await expect(student.checkIn(session.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    expect(marks.items.map((m) => m.reason)).toEqual(['Certificat médical\nvu le 3']);

    const ready = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(report).toMatchObject({ presentCount: 1, absentCount: 2 });
    expect(report.rows.find((r) => r.studentId === target)).toMatchObject({ status: 'excused', override: { reason: 'Certificat médical\nvu le 3' } });
  });

  it('refuses user:list searches with U+0000, and finds a name however its accents were typed (NFC)', async () => {
    expect(refusal(await send(admin, ClientEvents.userList, { query: 'L\u0000a' }))).toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      message: 'The user:list payload is not valid: query must not contain control characters.',
    });
    const created = await requestOk(admin, ClientEvents.userCreate, { email: `lea.${unique}@uni.example`, name: `Le\u0301a Ce\u0301sar ${unique}`, role: 'student' });
    expect(created.name).toBe(`Léa César ${unique}`);
    for (const query of [`Léa César ${unique}`, `Le\u0301a Ce\u0301sar ${unique}`]) {
      const found = await requestOk(admin, ClientEvents.userList, { query });
      expect(found.users.map((u) => u.id)).toEqual([created.id]);
    }
  });

  it('refuses a passkey’s device name with U+0000 and keeps the passkeys as they were', async () => {
    const other = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(cls.students[2]!.email, cls.students[2]!.password));
    try {
      const options = await requestOk(other.socket, ClientEvents.passkeyOptions, {});
      const response = await other.authenticator.createCredential(options, { origin: sys.origin });
      const error = refusal(await request(other.socket, ClientEvents.passkeyRegister, { response, deviceName: 'Phone\u0000' }));
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, message: 'The passkey:register payload is not valid: deviceName must not contain control characters.' });
      expect((await requestOk(other.socket, ClientEvents.passkeyList, {})).passkeys).toEqual([]);
      // The same ceremony with a readable name is accepted: nothing was half-done by the refusal.
      const registered = await requestOk(other.socket, ClientEvents.passkeyRegister, { response, deviceName: 'Phone' });
      expect(registered.deviceName).toBe('Phone');
    } finally {
      other.close();
    }
  });

  describe('a roster file', () => {
    const upload = (body: string, query = `mode=preview&courseId=${cls.courseId}`) =>
      fetch(`${sys.gatewayUrl}/api/courses/import?${query}`, { method: 'POST', headers: { authorization: `Bearer ${teacherToken}`, 'content-type': 'text/csv' }, body });

    it('over HTTP: a file over the limit gets 413 with our JSON error, not a reset connection', async () => {
      const line = 'someone.with.a.long.address@uni.example,Someone With A Long Name\n';
      const big = `email,name\n${line.repeat(Math.ceil(1_000_000 / line.length))}`;
      expect(big.length).toBeGreaterThan(1_000_000);
      const res = await upload(big);
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        error: { code: 'VALIDATION_FAILED', message: `The roster file is too large: at most ${RosterCsvMaxChars / 1000} kB (about 15,000 lines). Split it by course.` },
      });
    });

    it('over HTTP: a NUL anywhere refuses the file; a control character in a cell is a line error', async () => {
      const nul = await upload('email,name\nada@uni.example,Ada\u0000\n');
      expect(nul.status).toBe(400);
      expect(await nul.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'The roster file is not valid: body must not contain the NUL character (U+0000).' } });
      const cell = await upload(`email,name\nbell.${unique}@uni.example,Bell\u0007\nfine.${unique}@uni.example,Fine\n`);
      expect(cell.status).toBe(200);
      const reply = (await cell.json()) as { summary: { errorLines: number; accountsCreated: number }; errors: unknown[] };
      expect(reply.summary).toMatchObject({ errorLines: 1, accountsCreated: 1 });
      expect(reply.errors).toEqual([
        { line: 2, code: 'BAD_TEXT', message: 'The name contains a control character (U+0007), which cannot be stored: remove it.', email: `bell.${unique}@uni.example`, courseCode: cls.courseCode },
      ]);
    });

    it('over HTTP: malformed and oversized JSON bodies get 400 and 413 with our JSON error', async () => {
      const malformed = await fetch(`${sys.gatewayUrl}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The request body is not valid JSON.' } });
      const big = await fetch(`${sys.gatewayUrl}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'a@b.cd', password: 'x'.repeat(100_000) }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The request body is too large: at most 64 kB.' } });
    });

    it('over the socket: a message over Socket.IO’s 1 MB closes that connection (no ack), and a new one works', async () => {
      const socket = await connectSocket(sys.gatewayUrl, teacherToken);
      const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
      const ack = request(socket, ClientEvents.rosterImport, { mode: 'preview', courseId: cls.courseId, csv: `email,name\n${'x'.repeat(1_100_000)}` }, 10_000);
      await expect(ack).rejects.toThrow('socket has been disconnected');
      expect(await closed).toBe('transport close');
      const again = await connectSocket(sys.gatewayUrl, teacherToken);
      await expect(requestOk(again, ClientEvents.courseRoster, { courseId: cls.courseId })).resolves.toMatchObject({ courseId: cls.courseId });
      again.close();
    });
  });
});
