/**
 * The whole role matrix through the gateway, against the real system: an admin, the teacher of
 * course A, the teacher of course B reaching into A, a student of A and a student who is not in A,
 * against every client event (rows in role-matrix.cases.ts), then the HTTP report endpoints, the
 * scopes the services apply (what each role lists), and the audit log of it all.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { ClientEvents, ErrorCode, type ClientAckData, type ClientEvent, type Position, type Result } from '@classconnect/contracts';
import { StudentClient, connectSocket, offsetNorth, request as rawRequest, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';
import { MatrixRoles, RoleMatrix, type Expectation, type MatrixContext, type MatrixRole } from './role-matrix.cases.js';

/**
 * A request that waits and tries again when told RATE_LIMITED: the matrix sends many events from
 * each socket, and the answer under test is the permission check, not the rate limit.
 */
async function request<E extends ClientEvent>(socket: Socket, event: E, payload?: unknown): Promise<Result<ClientAckData[E]>> {
  let result = await rawRequest(socket, event, payload);
  for (let i = 0; i < 5 && !result.ok && result.error.code === 'RATE_LIMITED'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    result = await rawRequest(socket, event, payload);
  }
  return result;
}

const room: Position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };
const PermissionCodes: string[] = [ErrorCode.FORBIDDEN, ErrorCode.NOT_COURSE_TEACHER, ErrorCode.NOT_ENROLLED];

/** What one role got for one event, as the matrix states it. */
function outcomeOf(result: Result<unknown>): string {
  if (result.ok) return 'ok';
  const { code } = result.error;
  if (PermissionCodes.includes(code)) return code as Expectation;
  // A request the schema refused never reached the permission checks: the row's payload is wrong.
  if (code === ErrorCode.VALIDATION_FAILED || code === ErrorCode.INTERNAL || code === ErrorCode.IDENTITY_MISMATCH) return `unexpected ${code}: ${result.error.message}`;
  return `allowed (${code})`;
}

/** Reads a result against the row: `allowed` accepts ok or any non-permission domain error. */
function judged(expected: Expectation, got: string): string {
  return expected === 'allowed' && (got === 'ok' || got.startsWith('allowed (')) ? 'allowed' : got;
}

describe('role matrix through the gateway', () => {
  let sys: TestSystem;
  let classA: ClassFixture;
  let classB: ClassFixture;
  const sockets = {} as Record<MatrixRole, Socket>;
  const tokens = {} as Record<MatrixRole, string>;
  let studentA: StudentClient;
  let outsider: StudentClient;
  let ctx: MatrixContext;

  beforeAll(async () => {
    sys = await startTestSystem();
    await seedDemoAdmin(sys);
    [classA, classB] = [await sys.createClass(2), await sys.createClass(1)];
    tokens.admin = await sys.signIn(DemoAdmin.email, DemoAdmin.password);
    tokens.teacherA = await sys.signIn(classA.teacher.email, classA.teacher.password);
    tokens.teacherB = await sys.signIn(classB.teacher.email, classB.teacher.password);
    tokens.studentA = await sys.signIn(classA.students[0]!.email, classA.students[0]!.password);
    tokens.outsider = await sys.signIn(classB.students[0]!.email, classB.students[0]!.password);
    studentA = await StudentClient.connect(sys.gatewayUrl, sys.origin, tokens.studentA);
    outsider = await StudentClient.connect(sys.gatewayUrl, sys.origin, tokens.outsider);
    await studentA.registerPasskey();
    await outsider.registerPasskey();
    sockets.studentA = studentA.socket;
    sockets.outsider = outsider.socket;
    for (const role of ['admin', 'teacherA', 'teacherB'] as const) sockets[role] = await connectSocket(sys.gatewayUrl, tokens[role]);

    // A stopped session with its report, and an open one (QR codes offered) for the rows to act on.
    const first = await requestOk(sockets.teacherA, ClientEvents.sessionStart, { courseId: classA.courseId, position: room });
    await requestOk(sockets.teacherA, ClientEvents.sessionStop, { sessionId: first.sessionId });
    await waitForReport(sockets.teacherA, first.sessionId);
    const open = await requestOk(sockets.teacherA, ClientEvents.sessionStart, { courseId: classA.courseId, position: room, qr: { mode: 'offered' } });
    ctx = {
      courseA: classA.courseId,
      openSessionA: open.sessionId,
      closedSessionA: first.sessionId,
      studentAId: classA.students[0]!.id,
      teacherAId: classA.teacher.id,
      unique: randomBytes(3).toString('hex'),
      room,
    };
  });

  afterAll(async () => {
    for (const s of Object.values(sockets)) s?.close();
    await sys?.stop();
  });

  async function waitForReport(socket: Socket, sessionId: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = await request(socket, ClientEvents.reportGet, { sessionId });
      if (r.ok) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`the report of ${sessionId} was never built`);
  }

  /** checkin:submit is judged by its verdict: the ack only says it was queued. */
  async function submitCheckin(role: MatrixRole): Promise<string> {
    const client = role === 'studentA' ? studentA : role === 'outsider' ? outsider : undefined;
    if (!client) {
      // Staff have no passkey to sign with: a well-formed assertion of nobody's is enough to reach the permission check.
      const fake = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' }, clientExtensionResults: {} };
      return outcomeOf(await request(sockets[role], ClientEvents.checkinSubmit, { sessionId: ctx.openSessionA, assertion: fake, position: room, idempotencyKey: randomUUID() }));
    }
    let options;
    if (role === 'studentA') {
      options = (await requestOk(client.socket, ClientEvents.checkinBegin, { sessionId: ctx.openSessionA })).options;
    } else {
      // The outsider cannot get a challenge for this session (checkin:begin says NOT_ENROLLED): it signs one it made up.
      options = { challenge: randomBytes(32).toString('base64url'), rpId: 'localhost', timeout: 60_000, userVerification: 'required' as const };
    }
    const assertion = await client.authenticator.getAssertion(options, { origin: sys.origin });
    const ack = await request(client.socket, ClientEvents.checkinSubmit, { sessionId: ctx.openSessionA, assertion, position: offsetNorth(room, 3), idempotencyKey: randomUUID() });
    if (!ack.ok) return outcomeOf(ack);
    const verdict = await client.results.waitFor((r) => r.submissionId === ack.data.submissionId);
    return verdict.verdict === 'accepted' ? 'ok' : 'rejected-verdict';
  }

  it('has a row for every client event (add one in role-matrix.cases.ts for each new event)', () => {
    const missing = Object.values(ClientEvents).filter((e) => !RoleMatrix[e]);
    expect(missing).toEqual([]);
  });

  for (const event of Object.values(ClientEvents) as ClientEvent[]) {
    it(`${event}: every role gets what the table says`, async () => {
      const row = RoleMatrix[event];
      if (!row) throw new Error(`role-matrix.cases.ts has no row for ${event}`);
      const got = {} as Record<MatrixRole, string>;
      for (const role of MatrixRoles) {
        const outcome = event === ClientEvents.checkinSubmit ? await submitCheckin(role) : outcomeOf(await request(sockets[role], event, row.payload(ctx, role)));
        got[role] = judged(row.expect[role], outcome);
      }
      expect(got).toEqual(row.expect);
    });
  }

  describe('HTTP report endpoints', () => {
    for (const path of ['report', 'report.csv']) {
      it(`GET /api/sessions/:id/${path}: the course's teacher and admins read it; others are refused with the code`, async () => {
        const url = `${sys.gatewayUrl}/api/sessions/${ctx.closedSessionA}/${path}`;
        const get = (token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
        for (const role of ['admin', 'teacherA'] as const) expect((await get(tokens[role])).status).toBe(200);
        const b = await get(tokens.teacherB);
        expect([b.status, await codeOf(b)]).toEqual([403, ErrorCode.NOT_COURSE_TEACHER]);
        for (const role of ['studentA', 'outsider'] as const) {
          const s = await get(tokens[role]);
          expect([s.status, await codeOf(s)]).toEqual([403, ErrorCode.FORBIDDEN]);
        }
        const anonymous = await get();
        expect([anonymous.status, await codeOf(anonymous)]).toEqual([401, ErrorCode.UNAUTHENTICATED]);
      });
    }
  });

  describe('scopes the services apply', () => {
    it('course:list: admins see every course, teachers their own, students those they attend', async () => {
      const codes = async (role: MatrixRole) => (await requestOk(sockets[role], ClientEvents.courseList, {})).courses.map((c) => c.code);
      const everyCourse = await codes('admin');
      expect(everyCourse).toEqual(expect.arrayContaining([classA.courseCode, classB.courseCode, 'CS101']));
      expect(await codes('teacherA')).toEqual([classA.courseCode]);
      expect(await codes('teacherB')).toEqual([classB.courseCode]);
      expect(await codes('studentA')).toEqual([classA.courseCode]);
      expect(await codes('outsider')).toEqual([classB.courseCode]);
      const a = (await requestOk(sockets.admin, ClientEvents.courseList, {})).courses.find((c) => c.id === classA.courseId);
      expect(a).toMatchObject({ studentCount: 2, teachers: [{ id: classA.teacher.id, name: 'Grace Hopper' }] });
    });

    it('user:list: teachers find students only, by a search of 3 characters or more, and never teachers or admins', async () => {
      const found = await requestOk(sockets.teacherB, ClientEvents.userList, { query: classA.students[1]!.email, limit: 50, offset: 0 });
      expect(found.users.map((u) => u.id)).toEqual([classA.students[1]!.id]);
      const wide = await requestOk(sockets.teacherB, ClientEvents.userList, { query: 'demo.classconnect', limit: 200, offset: 0 });
      expect(wide.users.length).toBeLessThanOrEqual(20);
      expect(wide.users.every((u) => u.role === 'student')).toBe(true);
      await expect(request(sockets.teacherB, ClientEvents.userList, { query: 'ab', limit: 10, offset: 0 })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
      await expect(request(sockets.teacherB, ClientEvents.userList, { query: 'admin', role: 'admin', limit: 10, offset: 0 })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      const admins = await requestOk(sockets.admin, ClientEvents.userList, { role: 'admin', limit: 10, offset: 0 });
      expect(admins.users.map((u) => u.email)).toEqual([DemoAdmin.email]);
    });

    it('sessions:active: an admin sees every open session; another course’s teacher and the outsider do not see A’s', async () => {
      const ids = async (role: MatrixRole) => (await requestOk(sockets[role], ClientEvents.sessionsActive, {})).sessions.map((s) => s.sessionId);
      expect(await ids('admin')).toContain(ctx.openSessionA);
      expect(await ids('teacherA')).toEqual([ctx.openSessionA]);
      expect(await ids('studentA')).toEqual([ctx.openSessionA]);
      expect(await ids('teacherB')).toEqual([]);
      expect(await ids('outsider')).toEqual([]);
    });

    it('the audit log records the hand mark, the sessions started and stopped, and the admin’s changes, with who did each', async () => {
      const byAction = async (action: string) => {
        for (let i = 0; i < 100; i++) {
          const { entries } = await requestOk(sockets.admin, ClientEvents.auditList, { action, limit: 50 });
          if (entries.length > 0) return entries;
          await new Promise((res) => setTimeout(res, 100));
        }
        return [];
      };
      const opened = await byAction('attendance.session.opened.v1');
      expect(opened.map((e) => e.targetId)).toEqual(expect.arrayContaining([ctx.closedSessionA]));
      expect(opened[0]).toMatchObject({ actorId: classA.teacher.id, actorName: 'Grace Hopper', targetType: 'session' });
      // attendance:mark went through for the admin and for teacherA: both are named.
      const adminId = (await requestOk(sockets.admin, ClientEvents.whoami, {})).user.id;
      const marks = await byAction('attendance.mark.changed.v1');
      expect(marks.map((e) => e.actorId).sort()).toEqual([adminId, classA.teacher.id].sort());
      expect(marks[0]!.summary).toMatch(/^Marked .+ present \(was (absent|present|late)\) in a session of /);
      const created = await byAction('directory.account.created.v1');
      expect(created).toHaveLength(1); // only the admin's user:create went through
      expect(created[0]).toMatchObject({ actorName: 'Morgan Admin', targetType: 'account' });
      expect(created[0]!.summary).toMatch(/Created the student account Made by admin/);
      const courses = await byAction('directory.course.changed.v1');
      expect(courses.map((e) => e.details.change).sort()).toEqual(['created', 'teachers-set', 'updated']);
      // Filters: by actor, and by target (a session's entries are found from its id).
      const mine = await requestOk(sockets.admin, ClientEvents.auditList, { actorId: classA.teacher.id, limit: 200 });
      expect(mine.entries.length).toBeGreaterThan(0);
      expect(mine.entries.every((e) => e.actorId === classA.teacher.id)).toBe(true);
      const aboutClosed = await requestOk(sockets.admin, ClientEvents.auditList, { targetId: ctx.closedSessionA, limit: 10 });
      expect(aboutClosed.entries.map((e) => e.action).sort()).toEqual(['attendance.session.closed.v1', 'attendance.session.opened.v1']);
      // Newest first, and paging with `before` continues where the page ended.
      const page1 = await requestOk(sockets.admin, ClientEvents.auditList, { limit: 2 });
      const page2 = await requestOk(sockets.admin, ClientEvents.auditList, { limit: 2, before: page1.entries[1]!.id });
      const ids = [...page1.entries, ...page2.entries].map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => y - x));
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
  describe('audit log across an identity-service restart', () => {
    it('records what happened while identity-service was down, once, and keeps every earlier entry', async () => {
      const before = (await requestOk(sockets.admin, ClientEvents.auditList, { limit: 200 })).entries;
      await sys.kill('identity-service');
      // Stopping needs only session-service: its session.closed event waits in the stream.
      await requestOk(sockets.teacherA, ClientEvents.sessionStop, { sessionId: ctx.openSessionA });
      await sys.restart('identity-service');
      let after = before;
      for (let i = 0; i < 100 && after.length === before.length; i++) {
        const r = await request(sockets.admin, ClientEvents.auditList, { limit: 200 });
        if (r.ok) after = r.data.entries;
        if (after.length === before.length) await new Promise((res) => setTimeout(res, 100));
      }
      const added = after.filter((e) => !before.some((b) => b.id === e.id));
      expect(added.map((e) => [e.action, e.targetId, e.actorId])).toEqual([['attendance.session.closed.v1', ctx.openSessionA, classA.teacher.id]]);
      expect(after.slice(1).map((e) => e.id)).toEqual(before.map((e) => e.id));
    });
  });
});
