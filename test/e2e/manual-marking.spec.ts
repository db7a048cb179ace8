/**
 * Attendance statuses through the real system: late check-ins, the check-in window, a teacher
 * marking students by hand (during the session and after Stop) with the report, its CSV and the
 * teacher's pushes following, and a session nobody stops closing itself.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ClientEvents, ErrorCode, ServerEvents, type Position, type SessionView } from '@classconnect/contracts';
import { EventLog, StudentClient, connectSocket, offsetNorth, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const room: Position = { latitude: 50.8503, longitude: 4.3517, accuracy: 10 };

describe('statuses and marking by hand', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let other: ClassFixture;
  let teacher: Socket;
  let otherTeacher: Socket;
  let teacherToken: string;
  let students: StudentClient[] = [];
  let session: SessionView;
  let marks: EventLog<typeof ServerEvents.markChanged>;
  const idOf = (i: number) => cls.students[i]!.id;

  beforeAll(async () => {
    sys = await startTestSystem();
    [cls, other] = [await sys.createClass(4), await sys.createClass(1)];
    teacherToken = await sys.signIn(cls.teacher.email, cls.teacher.password);
    teacher = await connectSocket(sys.gatewayUrl, teacherToken);
    otherTeacher = await connectSocket(sys.gatewayUrl, await sys.signIn(other.teacher.email, other.teacher.password));
    students = await Promise.all(cls.students.map(async (s) => StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password))));
    await Promise.all(students.map((s) => s.registerPasskey()));
    marks = new EventLog(teacher, ServerEvents.markChanged);
  });

  afterAll(async () => {
    teacher?.close();
    otherTeacher?.close();
    students.forEach((s) => s.close());
    await sys?.stop();
  });

  it('marks a check-in after the late threshold late (a threshold of 0 minutes)', async () => {
    session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50, lateAfterMinutes: 0, windowMinutes: 30 });
    expect(session).toMatchObject({ status: 'open', lateAfterMinutes: 0 });
    expect(Date.parse(session.checkinClosesAt!) - Date.parse(session.openedAt)).toBe(30 * 60_000);
    expect(Date.parse(session.autoCloseAt!) - Date.parse(session.openedAt)).toBe(4 * 3600_000);

    await expect(students[0]!.checkIn(session.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    const live = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(live.roster?.find((r) => r.studentId === idOf(0))).toMatchObject({ state: 'present', status: 'late' });
    expect(live.roster?.find((r) => r.studentId === idOf(1))).toMatchObject({ state: 'absent', status: 'absent' });
  });

  it('refuses attendance:mark from a student, another course’s teacher, and with a bad status or no reason', async () => {
    const mark = { sessionId: session.sessionId, targetStudentId: idOf(1), status: 'excused', reason: 'Doctor’s appointment' };
    await expect(request(students[1]!.socket, ClientEvents.attendanceMark, mark)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await expect(request(otherTeacher, ClientEvents.attendanceMark, mark)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.NOT_COURSE_TEACHER } });
    for (const bad of [
      { ...mark, status: 'sleeping' },
      { ...mark, reason: '' },
      { ...mark, reason: '   ' },
      { ...mark, reason: 'x'.repeat(501) },
      { sessionId: mark.sessionId, targetStudentId: mark.targetStudentId, status: 'excused' },
    ]) {
      const res = await request(teacher, ClientEvents.attendanceMark, bad);
      expect({ bad, res }).toMatchObject({ res: { ok: false, error: { code: ErrorCode.VALIDATION_FAILED } } });
    }
    // The student is named as the target: a `studentId` field is still an identity claim.
    await expect(request(teacher, ClientEvents.attendanceMark, { ...mark, studentId: idOf(1) })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.IDENTITY_MISMATCH },
    });
    await expect(request(teacher, ClientEvents.attendanceMark, { ...mark, targetStudentId: other.students[0]!.id })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_ENROLLED },
    });
    expect(marks.items).toHaveLength(0);
  });

  it('lets the teacher mark a student excused during the session, with a reason, and tells every teacher screen', async () => {
    const change = await requestOk(teacher, ClientEvents.attendanceMark, {
      sessionId: session.sessionId,
      targetStudentId: idOf(1),
      status: 'excused',
      reason: 'Doctor’s appointment',
    });
    expect(change).toMatchObject({ studentId: idOf(1), status: 'excused', previousStatus: 'absent', reason: 'Doctor’s appointment', changedBy: cls.teacher.id, sequence: 1 });
    await expect(marks.waitFor((m) => m.studentId === idOf(1))).resolves.toMatchObject({ sessionId: session.sessionId, courseId: cls.courseId, status: 'excused' });
    const live = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(live.roster?.find((r) => r.studentId === idOf(1))).toMatchObject({ state: 'absent', status: 'excused', override: { reason: 'Doctor’s appointment' } });
  });

  it('refuses check-ins once the window has passed: at the challenge, and for a challenge issued before', async () => {
    const early = await requestOk(students[3]!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    // Thirty minutes are not waited for: the session's stored window end is moved into the past.
    const redis = new Redis(sys.env.REDIS_URL!);
    try {
      await redis.hset(`cc:session:${session.sessionId}`, 'checkinClosesAt', new Date(Date.now() - 1_000).toISOString());
    } finally {
      redis.disconnect();
    }
    await expect(request(students[2]!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.CHECKIN_WINDOW_CLOSED },
    });
    const assertion = await students[3]!.authenticator.getAssertion(early.options, { origin: sys.origin });
    const ack = await requestOk(students[3]!.socket, ClientEvents.checkinSubmit, {
      sessionId: session.sessionId,
      assertion,
      position: offsetNorth(room, 5),
      idempotencyKey: randomUUID(),
    });
    // Its own reason (checkin.rejected.v2 and the student's result); v1 says SESSION_NOT_OPEN.
    const result = await students[3]!.results.waitFor((r) => r.submissionId === ack.submissionId);
    expect(result).toMatchObject({ verdict: 'rejected', reason: ErrorCode.CHECKIN_WINDOW_CLOSED });
    expect(result.message).toMatch(/check-in time for this session is over/);
  });

  it('lets the teacher change a mark after Stop: the report, its CSV and the teacher’s screen show it with its reason and the original proof', async () => {
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    const updated = new EventLog(teacher, ServerEvents.reportUpdated);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);
    const before = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(before.counts).toEqual({ present: 0, late: 1, excused: 1, absent: 2 });
    expect(before.revision).toBe(0);

    const change = await requestOk(teacher, ClientEvents.attendanceMark, {
      sessionId: session.sessionId,
      targetStudentId: idOf(0),
      status: 'present',
      reason: 'Train delayed, =cleared by the dean',
    });
    expect(change).toMatchObject({ previousStatus: 'late', sequence: 1 });
    const push = await updated.waitFor((u) => u.sessionId === session.sessionId);
    expect(push).toMatchObject({ revision: 1, presentCount: 1, absentCount: 3, counts: { present: 1, late: 0, excused: 1, absent: 2 } });

    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(report).toMatchObject({ revision: 1, presentCount: 1, absentCount: 3 });
    const row = (i: number) => report.rows.find((r) => r.studentId === idOf(i))!;
    expect(row(0)).toMatchObject({
      status: 'present',
      checkinStatus: 'late',
      methods: ['passkey', 'geofence'],
      override: { status: 'present', reason: 'Train delayed, =cleared by the dean', by: cls.teacher.id },
    });
    expect(row(0).checkedInAt).toBeDefined();
    expect(row(0).distanceM).toBeLessThan(20);
    expect(row(1)).toMatchObject({ status: 'excused', override: { status: 'excused', reason: 'Doctor’s appointment', by: cls.teacher.id } });
    expect(row(2)).toMatchObject({ status: 'absent' });
    expect(row(3)).toMatchObject({ status: 'absent', lastRejection: ErrorCode.CHECKIN_WINDOW_CLOSED });

    const res = await fetch(`${sys.gatewayUrl}/api/sessions/${session.sessionId}/report.csv`, { headers: { authorization: `Bearer ${teacherToken}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split('\r\n');
    // Columns are only added at the end: these keep their places.
    expect(lines[0]!.split(',').slice(9, 13)).toEqual(['checkin_status', 'changed_reason', 'changed_by', 'changed_at']);
    const line0 = lines.find((l) => l.startsWith(idOf(0)))!;
    expect(line0).toContain(`,present,`);
    expect(line0).toContain(`,late,"Train delayed, =cleared by the dean",${cls.teacher.id},`);
    expect(lines.find((l) => l.startsWith(idOf(1)))).toContain(`,excused,`);

    // Still refused after Stop for people who may not mark.
    await expect(
      request(otherTeacher, ClientEvents.attendanceMark, { sessionId: session.sessionId, targetStudentId: idOf(2), status: 'present', reason: 'x' }),
    ).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.NOT_COURSE_TEACHER } });
  });
});

describe('a session nobody stops', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let teacher: Socket;
  let student: StudentClient;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { SESSION_MAX_LENGTH_SECONDS: '6', SESSION_SWEEP_INTERVAL_MS: '250' } });
    cls = await sys.createClass(2);
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    const first = cls.students[0]!;
    student = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(first.email, first.password));
    await student.registerPasskey();
  });

  afterAll(async () => {
    teacher?.close();
    student?.close();
    await sys?.stop();
  });

  it('closes itself after the maximum length, and its report is built', async () => {
    const closed = new EventLog(teacher, ServerEvents.sessionClosed);
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
    expect(Date.parse(session.autoCloseAt!) - Date.parse(session.openedAt)).toBe(6_000);
    await expect(student.checkIn(session.sessionId, offsetNorth(room, 3))).resolves.toMatchObject({ verdict: 'accepted' });

    const push = await closed.waitFor((c) => c.sessionId === session.sessionId, 20_000);
    expect(Date.parse(push.closedAt) - Date.parse(session.openedAt)).toBeGreaterThanOrEqual(6_000);
    await expect(ready.waitFor((r) => r.sessionId === session.sessionId)).resolves.toMatchObject({ presentCount: 1, absentCount: 1 });
    await expect(requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId })).resolves.toMatchObject({ status: 'closed' });
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(report.rows.find((r) => r.studentId === cls.students[0]!.id)).toMatchObject({ status: 'present' });
    // The course is free for the next session.
    await expect(requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room })).resolves.toMatchObject({ status: 'open' });
  });
});
