/**
 * Device binding through the real system: a student's first passkey checks in; a second device
 * waits for a course teacher's approval (refused with DEVICE_NOT_APPROVED until then, and pushed
 * live to the teacher), another course's teacher cannot approve it; removing a passkey keeps the
 * attendance history, and removing then re-adding still needs approval; the policy `allow` lets a
 * second device through. Also the student's own records (CSV, JSON) and the report as a spreadsheet.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import type { Socket } from 'socket.io-client';
import { ClientEvents, ErrorCode, ServerEvents, type MyRecordsReply, type Position, type SessionView } from '@classconnect/contracts';
import { EventLog, StudentClient, connectSocket, offsetNorth, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 10 };

/** Registers a passkey on the client's own authenticator and returns the whole ack (with its status). */
async function addPasskey(client: StudentClient, origin: string, deviceName: string) {
  const options = await requestOk(client.socket, ClientEvents.passkeyOptions, {});
  const response = await client.authenticator.createCredential(options, { origin });
  return requestOk(client.socket, ClientEvents.passkeyRegister, { response, deviceName });
}

describe('device binding with approval (policy approval, the default)', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let other: ClassFixture;
  let teacher: Socket;
  let teacherToken: string;
  let otherTeacher: Socket;
  let phone: StudentClient;
  let laptop: StudentClient;
  let bea: StudentClient;
  let tokens: string[];
  let session: SessionView;
  let secondId: string;
  let firstId: string;
  let requested: EventLog<typeof ServerEvents.deviceApprovalRequested>;
  let decided: EventLog<typeof ServerEvents.deviceDecided>;
  const ada = () => cls.students[0]!;

  beforeAll(async () => {
    sys = await startTestSystem();
    [cls, other] = [await sys.createClass(2), await sys.createClass(1)];
    teacherToken = await sys.signIn(cls.teacher.email, cls.teacher.password);
    teacher = await connectSocket(sys.gatewayUrl, teacherToken);
    otherTeacher = await connectSocket(sys.gatewayUrl, await sys.signIn(other.teacher.email, other.teacher.password));
    tokens = await Promise.all(cls.students.map((s) => sys.signIn(s.email, s.password)));
    phone = await StudentClient.connect(sys.gatewayUrl, sys.origin, tokens[0]!);
    laptop = await StudentClient.connect(sys.gatewayUrl, sys.origin, tokens[0]!);
    bea = await StudentClient.connect(sys.gatewayUrl, sys.origin, tokens[1]!);
    requested = new EventLog(teacher, ServerEvents.deviceApprovalRequested);
    decided = new EventLog(teacher, ServerEvents.deviceDecided);
  });

  afterAll(async () => {
    for (const s of [teacher, otherTeacher]) s?.close();
    for (const c of [phone, laptop, bea]) c?.close();
    await sys?.stop();
  });

  it('binds the first passkey at once: it checks in', async () => {
    const first = await addPasskey(phone, sys.origin, 'Ada’s phone');
    firstId = first.credentialId;
    expect(first.status).toBe('approved');
    await addPasskey(bea, sys.origin, 'Bea’s phone');
    session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
    await expect(phone.checkIn(session.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    expect(requested.items).toHaveLength(0);
  });

  it('keeps a second device pending, tells the course teacher live, and refuses its check-in with DEVICE_NOT_APPROVED', async () => {
    const second = await addPasskey(laptop, sys.origin, 'Ada’s laptop');
    secondId = second.credentialId;
    expect(second.status).toBe('pending');
    await expect(requested.waitFor((r) => r.credentialId === secondId)).resolves.toMatchObject({ studentId: ada().id, deviceName: 'Ada’s laptop' });

    const { passkeys } = await requestOk(laptop.socket, ClientEvents.passkeyList, {});
    expect(passkeys.map((p) => [p.deviceName, p.status])).toEqual([
      ['Ada’s phone', 'approved'],
      ['Ada’s laptop', 'pending'],
    ]);
    expect(passkeys[0]!.lastUsedAt).toBeDefined();

    session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
    const refused = await laptop.checkIn(session.sessionId, offsetNorth(room, 5));
    expect(refused).toMatchObject({ verdict: 'rejected', reason: ErrorCode.DEVICE_NOT_APPROVED });
    expect(refused.message).toMatch(/teachers/);
    const roster = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(roster.roster?.find((r) => r.studentId === ada().id)).toMatchObject({ state: 'absent' });
  });

  it('lists the waiting device for the course teacher only; another course’s teacher and students cannot decide', async () => {
    const mine = await requestOk(teacher, ClientEvents.devicesPending, {});
    expect(mine.devices).toEqual([
      expect.objectContaining({ credentialId: secondId, studentId: ada().id, studentName: ada().name, studentEmail: ada().email, deviceName: 'Ada’s laptop', courseCodes: [cls.courseCode] }),
    ]);
    await expect(requestOk(otherTeacher, ClientEvents.devicesPending, {})).resolves.toEqual({ devices: [] });
    await expect(request(otherTeacher, ClientEvents.deviceApprove, { credentialId: secondId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });
    for (const [event, payload] of [
      [ClientEvents.deviceApprove, { credentialId: secondId }],
      [ClientEvents.devicesPending, {}],
    ] as const) {
      await expect(request(bea.socket, event, payload)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    }
    for (const bad of [{}, { credentialId: '' }, { credentialId: 'not base64url!' }, { credentialId: secondId, extra: 1 }]) {
      await expect(request(teacher, ClientEvents.deviceApprove, bad)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    }
    await expect(request(teacher, ClientEvents.deviceApprove, { credentialId: 'bm8tc3VjaC1wYXNza2V5' })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_FOUND },
    });
    const { passkeys } = await requestOk(laptop.socket, ClientEvents.passkeyList, {});
    expect(passkeys.find((p) => p.credentialId === secondId)?.status).toBe('pending');
  });

  it('lets the course teacher approve: the decision is pushed to the teacher and the student, and the second device checks in', async () => {
    const studentSide = new EventLog(laptop.socket, ServerEvents.deviceDecided);
    const reply = await requestOk(teacher, ClientEvents.deviceApprove, { credentialId: secondId });
    expect(reply).toMatchObject({ credentialId: secondId, studentId: ada().id, status: 'approved', decidedBy: cls.teacher.id });
    await expect(decided.waitFor((d) => d.credentialId === secondId)).resolves.toMatchObject({ status: 'approved', decidedBy: cls.teacher.id });
    await expect(studentSide.waitFor((d) => d.credentialId === secondId)).resolves.toMatchObject({ status: 'approved' });
    await expect(requestOk(teacher, ClientEvents.devicesPending, {})).resolves.toEqual({ devices: [] });
    await expect(laptop.checkIn(session.sessionId, offsetNorth(room, 8))).resolves.toMatchObject({ verdict: 'accepted' });
  });

  it('removes a passkey (own only) and keeps the attendance recorded with it', async () => {
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);

    await expect(request(bea.socket, ClientEvents.passkeyRemove, { credentialId: firstId })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    await expect(request(phone.socket, ClientEvents.passkeyRemove, { credentialId: firstId, studentId: ada().id })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.IDENTITY_MISMATCH },
    });
    await expect(requestOk(phone.socket, ClientEvents.passkeyRemove, { credentialId: firstId })).resolves.toEqual({ credentialId: firstId, removed: true });
    const { passkeys } = await requestOk(phone.socket, ClientEvents.passkeyList, {});
    expect(passkeys.map((p) => p.credentialId)).toEqual([secondId]);

    // The history stays: both sessions, present, with the proof of the first check-in.
    const mine = await requestOk(phone.socket, ClientEvents.historyMine, {});
    expect(mine.courses[0]!.sessions.map((s) => s.status)).toEqual(['present', 'present']);
    const history = await requestOk(teacher, ClientEvents.historyCourse, { courseId: cls.courseId });
    expect(history.students.find((s) => s.studentId === ada().id)).toMatchObject({ sessions: 2, counts: { present: 2 } });
    const res = await fetch(`${sys.gatewayUrl}/api/me/records.json`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    const records = (await res.json()) as MyRecordsReply;
    expect(records.records).toHaveLength(2);
    expect(records.records.every((r) => r.status === 'present' && r.methods?.includes('passkey'))).toBe(true);

    // The removed passkey no longer checks in.
    const third = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
    const begin = await requestOk(phone.socket, ClientEvents.checkinBegin, { sessionId: third.sessionId });
    const assertion = await phone.authenticator.getAssertion({ ...begin.options, allowCredentials: [] }, { origin: sys.origin });
    const ack = await requestOk(phone.socket, ClientEvents.checkinSubmit, { sessionId: third.sessionId, assertion, position: offsetNorth(room, 3), idempotencyKey: randomUUID() });
    await expect(phone.results.waitFor((r) => r.submissionId === ack.submissionId)).resolves.toMatchObject({ reason: ErrorCode.UNKNOWN_CREDENTIAL });
    const thirdReady = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: third.sessionId });
    await thirdReady.waitFor((r) => r.sessionId === third.sessionId);
  });

  it('does not let removing and re-adding bypass approval', async () => {
    const [beaFirst] = (await requestOk(bea.socket, ClientEvents.passkeyList, {})).passkeys;
    await requestOk(bea.socket, ClientEvents.passkeyRemove, { credentialId: beaFirst!.credentialId });
    const fresh = await StudentClient.connect(sys.gatewayUrl, sys.origin, tokens[1]!);
    try {
      const again = await addPasskey(fresh, sys.origin, 'Bea’s new phone');
      expect(again.status).toBe('pending');
      await requested.waitFor((r) => r.credentialId === again.credentialId);
      const s = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
      // With no approved passkey at all, the check-in is refused before anything is signed.
      await expect(request(fresh.socket, ClientEvents.checkinBegin, { sessionId: s.sessionId })).resolves.toMatchObject({
        ok: false,
        error: { code: ErrorCode.DEVICE_NOT_APPROVED, message: expect.stringMatching(/waiting for approval/) },
      });
      // A refusal is final for that passkey, and pushed.
      await expect(requestOk(teacher, ClientEvents.deviceDeny, { credentialId: again.credentialId })).resolves.toMatchObject({ status: 'denied' });
      await expect(decided.waitFor((d) => d.credentialId === again.credentialId)).resolves.toMatchObject({ status: 'denied' });
      await expect(request(teacher, ClientEvents.deviceApprove, { credentialId: again.credentialId })).resolves.toMatchObject({
        ok: false,
        error: { code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/already refused/) },
      });
      const ready = new EventLog(teacher, ServerEvents.reportReady);
      await requestOk(teacher, ClientEvents.sessionStop, { sessionId: s.sessionId });
      await ready.waitFor((r) => r.sessionId === s.sessionId);
    } finally {
      fresh.close();
    }
  });

  it('lets a student download their own records (CSV and JSON), never anyone else’s, and only students', async () => {
    const csv = await fetch(`${sys.gatewayUrl}/api/me/records.csv`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="attendance-records-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
    // Four closed sessions, newest first: Bea's test session and the removed passkey's (absent), then two present.
    expect(rows.map((r) => r.status)).toEqual(['absent', 'absent', 'present', 'present']);
    expect(rows.every((r) => r.course_code === cls.courseCode && r.evidence_removed === 'no')).toBe(true);
    expect(rows[1]).toMatchObject({ last_rejection: ErrorCode.UNKNOWN_CREDENTIAL });
    expect(rows[3]).toMatchObject({ proven_by: 'passkey+geofence', checkin_status: 'present' });

    const beaRecords = (await (await fetch(`${sys.gatewayUrl}/api/me/records.json`, { headers: { authorization: `Bearer ${tokens[1]}` } })).json()) as MyRecordsReply;
    expect(beaRecords.studentId).toBe(cls.students[1]!.id);
    expect(beaRecords.records.every((r) => r.status === 'absent' && r.methods === undefined)).toBe(true);
    expect(JSON.stringify(beaRecords)).not.toContain(ada().id);

    const asTeacher = await fetch(`${sys.gatewayUrl}/api/me/records.csv`, { headers: { authorization: `Bearer ${teacherToken}` } });
    expect(asTeacher.status).toBe(403);
    expect(((await asTeacher.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.FORBIDDEN);
    expect((await fetch(`${sys.gatewayUrl}/api/me/records.json`)).status).toBe(401);
  });

  it('serves the report as a spreadsheet to the course teacher only', async () => {
    const url = `${sys.gatewayUrl}/api/sessions/${session.sessionId}/report.xlsx`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${teacherToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename="attendance-.*\.xlsx"/);
    const parts = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const sheet = strFromU8(parts['xl/worksheets/sheet1.xml']!) + (parts['xl/sharedStrings.xml'] ? strFromU8(parts['xl/sharedStrings.xml']) : '');
    for (const text of ['student_id', 'changed_at', ada().id, ada().name, cls.students[1]!.name, 'passkey+geofence']) expect(sheet).toContain(text);
    expect((await fetch(url, { headers: { authorization: `Bearer ${tokens[0]}` } })).status).toBe(403);
    const otherToken = await sys.signIn(other.teacher.email, other.teacher.password);
    expect((await fetch(url, { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(403);
  });
});

describe('device binding under the policy `allow`', () => {
  let sys: TestSystem;
  let cls: ClassFixture;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { NEW_DEVICE_POLICY: 'allow' } });
    cls = await sys.createClass(1);
  });

  afterAll(async () => {
    await sys?.stop();
  });

  it('approves a second device at once: it checks in', async () => {
    const token = await sys.signIn(cls.students[0]!.email, cls.students[0]!.password);
    const teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    const phone = await StudentClient.connect(sys.gatewayUrl, sys.origin, token);
    const laptop = await StudentClient.connect(sys.gatewayUrl, sys.origin, token);
    try {
      await expect(addPasskey(phone, sys.origin, 'Phone')).resolves.toMatchObject({ status: 'approved' });
      await expect(addPasskey(laptop, sys.origin, 'Laptop')).resolves.toMatchObject({ status: 'approved' });
      const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
      await expect(laptop.checkIn(session.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      await expect(requestOk(teacher, ClientEvents.devicesPending, {})).resolves.toEqual({ devices: [] });
    } finally {
      teacher.close();
      phone.close();
      laptop.close();
    }
  });
});
