/**
 * Roster import through the real system: a 2,000-line file exported by a French-locale spreadsheet
 * (BOM, `;`, quotes, Windows line ends, blank lines at the end) with deliberate bad lines; preview,
 * commit, re-import, removeMissing, a teacher reaching into another teacher's course, the HTTP
 * endpoint for IT scripts, enrollments by hand, and the other services following the changes: a
 * student imported while a session of the course is open gets the push and checks in at once (the
 * real passkey flow), another enrolled between sessions checks in at the next one, a removed one
 * can no longer check in. Nothing is restarted.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, ServerEvents, type Position, type RosterImportReply, type SessionView } from '@classconnect/contracts';
import { EventLog, StudentClient, connectSocket, offsetNorth, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const run = promisify(execFile);
const place: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 10 };
const Admin = { email: 'admin@demo.classconnect.test', password: 'demo-admin-pass' };

/** The demo university gives this system an administrator. */
async function seedDemo(sys: TestSystem): Promise<void> {
  await run(process.execPath, [join(process.cwd(), 'dist/apps/identity-service/src/cli.js'), 'seed-demo'], { env: { ...process.env, ...sys.env } });
}

/** 2,000 lines, as a spreadsheet in a French locale saves them. Returns the file and what each bad line is. */
function bigRoster(courseCode: string, extra: { mover: string; teacherEmail: string; otherCourse: string }) {
  const rows: string[] = [];
  const bad: Record<string, number> = {};
  const line = () => rows.length + 2; // the header is line 1
  const add = (cells: string[]) => rows.push(cells.map((c) => (/[;"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';'));
  for (let i = 1; rows.length < 1_992; i++) {
    // Every tenth name needs quotes: a separator inside, or quotes inside.
    const name = i % 10 === 0 ? `Dupont; Jean-${i}` : i % 10 === 5 ? `Léa "Lou" Martin ${i}` : `Étudiant ${String(i).padStart(4, '0')}`;
    add([`Imp.S${String(i).padStart(4, '0')}@Uni.Example`, name, i % 2 ? courseCode : courseCode.toLowerCase()]);
  }
  add([extra.mover, 'Someone Moving', courseCode]);
  bad.BAD_EMAIL = line();
  add(['not-an-email', 'Bad Email', courseCode]);
  bad.MISSING_NAME = line();
  add(['nameless@uni.example', '', courseCode]);
  bad.UNKNOWN_COURSE = line();
  add(['lost@uni.example', 'Lost Student', 'NOPE-999']);
  bad.DUPLICATE_LINE = line();
  add(['imp.s0001@uni.example', 'Étudiant 0001', courseCode]);
  bad.NOT_A_STUDENT = line();
  add([extra.teacherEmail, 'A Teacher', courseCode]);
  bad.NOT_YOUR_COURSE = line();
  add(['elsewhere@uni.example', 'Elsewhere Student', extra.otherCourse]);
  expect(rows).toHaveLength(1_999);
  // 2,000 lines with the header; Windows line ends; blank lines at the end.
  const csv = `\uFEFFE-mail;Nom;Code cours\r\n${rows.join('\r\n')}\r\n\r\n\r\n`;
  return { csv, bad };
}

describe('roster import', () => {
  let sys: TestSystem;
  let a: ClassFixture; // the course the file is for
  let b: ClassFixture; // another teacher's course, whose students move into a
  let teacherA: Socket;
  let teacherB: Socket;
  let tokenA: string;
  let mover: StudentClient; // imported while a session of a is open
  let latecomer: StudentClient; // enrolled by hand between two sessions
  let file: ReturnType<typeof bigRoster>;
  let session: SessionView;

  const roster = async (courseId = a.courseId) => (await requestOk(teacherA, ClientEvents.courseRoster, { courseId })).students;
  const importAs = (socket: Socket, payload: Record<string, unknown>) => request(socket, ClientEvents.rosterImport, payload, 120_000);

  beforeAll(async () => {
    sys = await startTestSystem();
    [a, b] = [await sys.createClass(2), await sys.createClass(2)];
    await seedDemo(sys);
    tokenA = await sys.signIn(a.teacher.email, a.teacher.password);
    teacherA = await connectSocket(sys.gatewayUrl, tokenA);
    teacherB = await connectSocket(sys.gatewayUrl, await sys.signIn(b.teacher.email, b.teacher.password));
    [mover, latecomer] = await Promise.all(b.students.map(async (s) => StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password))));
    await Promise.all([mover.registerPasskey(), latecomer.registerPasskey()]);
    file = bigRoster(a.courseCode, { mover: b.students[0]!.email.toUpperCase(), teacherEmail: b.teacher.email, otherCourse: b.courseCode });
  });

  afterAll(async () => {
    teacherA?.close();
    teacherB?.close();
    mover?.close();
    latecomer?.close();
    await sys?.stop();
  });

  it('previews the 2,000-line file: the summary and every bad line, nothing written', async () => {
    session = await requestOk(teacherA, ClientEvents.sessionStart, { courseId: a.courseId, position: place, radiusM: 50 });
    const started = performance.now();
    const ack = await importAs(teacherA, { csv: file.csv, mode: 'preview' });
    const ms = performance.now() - started;
    console.log(`roster import: preview of a 2,000-line file took ${ms.toFixed(0)} ms (round trip through the gateway)`);
    expect(ack.ok).toBe(true);
    const preview = (ack as { data: RosterImportReply }).data;
    expect(preview).toMatchObject({
      mode: 'preview',
      committed: false,
      changes: true,
      summary: { lines: 1_999, accountsCreated: 1_992, enrolled: 1_993, alreadyEnrolled: 0, removed: 0, errorLines: 6 },
      courses: [{ id: a.courseId, code: a.courseCode }],
    });
    expect(preview.message).toMatch(/^Importing this file will create 1,992 student accounts and enroll 1,993 students\. 6 lines have errors/);
    expect(Object.fromEntries(preview.errors.map((e) => [e.code, e.line]))).toEqual(file.bad);
    for (const e of preview.errors) expect(e.message.length).toBeGreaterThan(10);
    expect(preview.errors.find((e) => e.code === 'DUPLICATE_LINE')?.message).toBe('The same student and course are already on line 2.');
    expect(preview.errors.find((e) => e.code === 'NOT_YOUR_COURSE')?.message).toContain(b.courseCode);
    // Nothing written.
    expect(await roster()).toHaveLength(2);
  });

  it('commits it: accounts created, students enrolled, one event per change; the student imported mid-session gets the push and checks in', async () => {
    const opened = new EventLog(mover.socket, ServerEvents.sessionOpened);
    const started = performance.now();
    const ack = await importAs(teacherA, { csv: file.csv, mode: 'commit' });
    const ms = performance.now() - started;
    console.log(`roster import: commit of a 2,000-line file took ${ms.toFixed(0)} ms (round trip through the gateway, 1,992 accounts and 1,993 enrollments)`);
    expect(ack).toMatchObject({
      ok: true,
      data: { mode: 'commit', committed: true, changes: true, summary: { accountsCreated: 1_992, enrolled: 1_993, alreadyEnrolled: 0, errorLines: 6 } },
    });
    expect((ack as { data: RosterImportReply }).data.message).toMatch(/^Created 1,992 student accounts and enrolled 1,993 students\./);
    const students = await roster();
    expect(students).toHaveLength(2 + 1_993);
    expect(students.find((s) => s.email === 'imp.s0010@uni.example')?.name).toBe('Dupont; Jean-10');
    expect(students.find((s) => s.email === 'imp.s0005@uni.example')?.name).toBe('Léa "Lou" Martin 5');
    // The existing account was enrolled, not re-created: same id, same name.
    expect(students.find((s) => s.id === b.students[0]!.id)).toMatchObject({ email: b.students[0]!.email, name: b.students[0]!.name });

    // The open session reaches the newly enrolled student's phone, and the student checks in.
    const push = await opened.waitFor((s) => s.sessionId === session.sessionId);
    expect(push).toMatchObject({ courseId: a.courseId, status: 'open' });
    await expect(mover.checkIn(session.sessionId, offsetNorth(place, 10))).resolves.toMatchObject({ verdict: 'accepted' });
    const live = await requestOk(teacherA, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(live.roster?.find((r) => r.studentId === b.students[0]!.id)).toMatchObject({ state: 'present', name: b.students[0]!.name });
    // session-service follows the 1,993 enrollment events through its durable consumer.
    await expect(eventually(async () => (await requestOk(teacherA, ClientEvents.sessionGet, { sessionId: session.sessionId })).enrolledCount, 2 + 1_993)).resolves.toBe(2 + 1_993);
  });

  it('imports the same file again: nothing changes, and it says so', async () => {
    const again = await importAs(teacherA, { csv: file.csv, mode: 'commit' });
    expect(again).toMatchObject({
      ok: true,
      data: { committed: true, changes: false, summary: { accountsCreated: 0, enrolled: 0, alreadyEnrolled: 1_993, removed: 0, errorLines: 6 } },
    });
    expect((again as { data: RosterImportReply }).data.message).toMatch(/^Nothing to change: 1,993 students are already enrolled\./);
    expect(await roster()).toHaveLength(2 + 1_993);
  });

  it('refuses a teacher importing into a course they do not teach', async () => {
    const small = 'email,name\nsomeone@uni.example,Some One\n';
    await expect(importAs(teacherB, { csv: small, mode: 'preview', courseId: a.courseId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });
    const byColumn = await importAs(teacherB, { csv: `email,name,course\nsomeone@uni.example,Some One,${a.courseCode}\n`, mode: 'commit' });
    expect(byColumn).toMatchObject({ ok: true, data: { changes: false, summary: { errorLines: 1, enrolled: 0 }, errors: [{ line: 2, code: 'NOT_YOUR_COURSE' }] } });
    // Students may not import at all.
    await expect(importAs(mover.socket, { csv: small, mode: 'preview', courseId: a.courseId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await roster()).toHaveLength(2 + 1_993);
  });

  it('answers a file it cannot use, and bad options, with a clear error', async () => {
    await expect(importAs(teacherA, { csv: 'name;course\nJean;X\n', mode: 'preview' })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('"email"') },
    });
    await expect(importAs(teacherA, { csv: 'email,name\n"unterminated,x\n', mode: 'preview', courseId: a.courseId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('quote') },
    });
    await expect(importAs(teacherA, { csv: 'email\na@b.c\n', mode: 'maybe' })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    await expect(importAs(teacherA, { csv: 'x'.repeat(900_001), mode: 'preview' })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
  });

  it('serves IT scripts over HTTP: POST /api/courses/import with text/csv and a bearer token', async () => {
    const post = (query: string, body: string, headers: Record<string, string>) =>
      fetch(`${sys.gatewayUrl}/api/courses/import?${query}`, { method: 'POST', headers, body });
    const csv = `email,name\n${b.students[1]!.email},${b.students[1]!.name}\nnew.person@uni.example,New Person\n`;
    const res = await post(`mode=preview&courseId=${a.courseId}`, csv, { authorization: `Bearer ${tokenA}`, 'content-type': 'text/csv' });
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toMatchObject({ mode: 'preview', committed: false, summary: { accountsCreated: 1, enrolled: 2, errorLines: 0 } });
    expect((await post(`mode=preview&courseId=${a.courseId}`, csv, { 'content-type': 'text/csv' })).status).toBe(401);
    const wrongType = await post(`mode=preview&courseId=${a.courseId}`, csv, { authorization: `Bearer ${tokenA}`, 'content-type': 'application/octet-stream' });
    expect(wrongType.status).toBe(400);
    await expect(wrongType.json()).resolves.toMatchObject({ error: { code: ErrorCode.VALIDATION_FAILED } });
    const badMode = await post(`mode=later&courseId=${a.courseId}`, csv, { authorization: `Bearer ${tokenA}`, 'content-type': 'text/csv' });
    expect(badMode.status).toBe(400);
    expect(await roster()).toHaveLength(2 + 1_993);
  });

  it('removeMissing: removes the enrolled students the file does not list (preview first, then commit)', async () => {
    const keep = [...a.students.map((s) => s.email), b.students[0]!.email];
    const csv = `Email\n${keep.join('\n')}\n`;
    const preview = await importAs(teacherA, { csv, mode: 'preview', courseId: a.courseId, removeMissing: true });
    expect(preview).toMatchObject({ ok: true, data: { summary: { alreadyEnrolled: 3, removed: 1_992, enrolled: 0 } } });
    expect(await roster()).toHaveLength(2 + 1_993);
    const commit = await importAs(teacherA, { csv, mode: 'commit', courseId: a.courseId, removeMissing: true });
    expect(commit).toMatchObject({ ok: true, data: { committed: true, summary: { removed: 1_992 } } });
    expect((await roster()).map((s) => s.email).sort()).toEqual([...keep].sort());
  });

  it('a student enrolled by hand between sessions checks in at the next one; a student removed during a session can no longer check in', async () => {
    await requestOk(teacherA, ClientEvents.sessionStop, { sessionId: session.sessionId });
    const added = await requestOk(teacherA, ClientEvents.enrollmentAdd, { courseId: a.courseId, email: b.students[1]!.email });
    expect(added).toMatchObject({ changed: true, student: { id: b.students[1]!.id } });
    await expect(requestOk(teacherA, ClientEvents.enrollmentAdd, { courseId: a.courseId, email: b.students[1]!.email })).resolves.toMatchObject({ changed: false });
    await expect(request(teacherA, ClientEvents.enrollmentAdd, { courseId: a.courseId, email: b.teacher.email })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_A_STUDENT },
    });
    await expect(request(teacherA, ClientEvents.enrollmentAdd, { courseId: a.courseId, email: 'nobody@uni.example' })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.ACCOUNT_NOT_FOUND },
    });
    await expect(request(teacherB, ClientEvents.enrollmentAdd, { courseId: a.courseId, email: b.students[1]!.email })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });

    const opened = new EventLog(latecomer.socket, ServerEvents.sessionOpened);
    const next = await requestOk(teacherA, ClientEvents.sessionStart, { courseId: a.courseId, position: place, radiusM: 50 });
    // The latecomer's socket joined the course's room when the enrollment changed: the push arrives.
    await opened.waitFor((s) => s.sessionId === next.sessionId);
    await expect(latecomer.checkIn(next.sessionId, offsetNorth(place, 5))).resolves.toMatchObject({ verdict: 'accepted' });

    // Removed while the session is open: refused at once.
    const removed = await requestOk(teacherA, ClientEvents.enrollmentRemove, { courseId: a.courseId, targetStudentId: b.students[0]!.id });
    expect(removed).toMatchObject({ changed: true });
    await expect(waitForRefusal(mover, next.sessionId)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.NOT_ENROLLED } });
    // An admin may change any course's roster.
    const admin = await connectSocket(sys.gatewayUrl, await sys.signIn(Admin.email, Admin.password));
    try {
      await expect(requestOk(admin, ClientEvents.enrollmentAdd, { courseId: a.courseId, email: b.students[0]!.email })).resolves.toMatchObject({ changed: true });
      await expect(requestOk(admin, ClientEvents.courseRoster, { courseId: a.courseId })).resolves.toMatchObject({ courseCode: a.courseCode });
    } finally {
      admin.close();
    }
    await requestOk(teacherA, ClientEvents.sessionStop, { sessionId: next.sessionId });
  });
});

/** Reads `read()` until it returns `wanted` (or gives up after about 30 s and returns the last value). */
async function eventually<T>(read: () => Promise<T>, wanted: T): Promise<T> {
  let value = await read();
  for (let i = 0; value !== wanted && i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** The removal reaches session-service through the stream: ask until it has (a few hundred ms at most). */
async function waitForRefusal(student: StudentClient, sessionId: string) {
  for (let i = 0; ; i++) {
    const ack = await request(student.socket, ClientEvents.checkinBegin, { sessionId });
    if (!ack.ok || i >= 50) return ack;
    await new Promise((r) => setTimeout(r, 100));
  }
}
