/**
 * Attendance history through the real system: three sessions of a course with different outcomes
 * (check-ins on time and late, a refusal, marks by hand during a session and after Stop), then the
 * course's history for its teacher and each student's own history over Socket.IO.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, ServerEvents, type CourseHistoryReply, type Position } from '@classconnect/contracts';
import {
  EventLog,
  StudentClient,
  connectSocket,
  offsetNorth,
  request,
  requestOk,
  seatClass,
  startTestSystem,
  type ClassFixture,
  type Classroom,
  type TestSystem,
} from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const room: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 10 };

describe('attendance history', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let other: ClassFixture;
  let otherTeacher: Socket;
  let otherStudent: Socket;
  let ready: EventLog<typeof ServerEvents.reportReady>;
  let updated: EventLog<typeof ServerEvents.reportUpdated>;
  const sessionIds: string[] = [];
  const idOf = (i: number) => klass.cls.students[i]!.id;
  const student = (i: number): StudentClient => klass.students[i]!;

  /** Runs one session: `during` happens while it is open; resolves once its report is built. */
  async function runSession(opts: { lateAfterMinutes?: number }, during: (sessionId: string) => Promise<void>): Promise<string> {
    const session = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50, ...opts });
    await during(session.sessionId);
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);
    sessionIds.push(session.sessionId);
    return session.sessionId;
  }

  const mark = (sessionId: string, i: number, status: 'present' | 'late' | 'excused' | 'absent', reason: string) =>
    requestOk(klass.teacher, ClientEvents.attendanceMark, { sessionId, targetStudentId: idOf(i), status, reason });

  beforeAll(async () => {
    sys = await startTestSystem();
    klass = await seatClass(sys, 4);
    other = await sys.createClass(1);
    otherTeacher = await connectSocket(sys.gatewayUrl, await sys.signIn(other.teacher.email, other.teacher.password));
    otherStudent = await connectSocket(sys.gatewayUrl, await sys.signIn(other.students[0]!.email, other.students[0]!.password));
    ready = new EventLog(klass.teacher, ServerEvents.reportReady);
    updated = new EventLog(klass.teacher, ServerEvents.reportUpdated);
  });

  afterAll(async () => {
    klass?.close();
    otherTeacher?.close();
    otherStudent?.close();
    await sys?.stop();
  });

  it('starts empty: every enrolled student is listed with no session and no rate yet', async () => {
    const h = await requestOk(klass.teacher, ClientEvents.historyCourse, { courseId: klass.cls.courseId });
    expect(h).toMatchObject({ courseId: klass.cls.courseId, courseCode: klass.cls.courseCode, sessions: [] });
    expect(h.students).toHaveLength(4);
    expect(h.students.every((s) => s.enrolled && s.sessions === 0 && s.rate === null)).toBe(true);
    await expect(requestOk(student(0).socket, ClientEvents.historyMine, {})).resolves.toMatchObject({
      courses: [{ courseId: klass.cls.courseId, sessions: [], rate: null }],
    });
  });

  it('records three sessions with different outcomes, including marks by hand during a session and after Stop', async () => {
    // 1: two on time, one refused as too far away, one who never tried.
    await runSession({}, async (id) => {
      await expect(student(0).checkIn(id, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      await expect(student(1).checkIn(id, offsetNorth(room, 10))).resolves.toMatchObject({ verdict: 'accepted' });
      await expect(student(2).checkIn(id, offsetNorth(room, 600))).resolves.toMatchObject({ verdict: 'rejected', reason: ErrorCode.OUTSIDE_GEOFENCE });
    });
    // 2: every check-in is late; student 2 is excused during the session; student 1, absent at Stop,
    //    is marked present by hand afterwards (the built report is updated).
    const second = await runSession({ lateAfterMinutes: 0 }, async (id) => {
      await expect(student(0).checkIn(id, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      await expect(student(3).checkIn(id, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      await mark(id, 2, 'excused', 'Medical appointment');
    });
    await mark(second, 1, 'present', 'In the room; phone battery was dead');
    await updated.waitFor((u) => u.sessionId === second && u.revision === 1);
    // 3: only student 0 comes.
    await runSession({}, async (id) => {
      await expect(student(0).checkIn(id, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    });
  });

  it('gives the teacher every closed session newest first with its counts, and each student’s rate', async () => {
    const h: CourseHistoryReply = await requestOk(klass.teacher, ClientEvents.historyCourse, { courseId: klass.cls.courseId });
    expect(h.sessions.map((s) => s.sessionId)).toEqual([...sessionIds].reverse());
    expect(h.sessions.map((s) => s.counts)).toEqual([
      { present: 1, late: 0, excused: 0, absent: 3 },
      { present: 1, late: 2, excused: 1, absent: 0 },
      { present: 2, late: 0, excused: 0, absent: 2 },
    ]);
    expect(h.sessions.every((s) => s.listed === 4 && s.openedAt && Date.parse(s.closedAt) > Date.parse(s.openedAt))).toBe(true);

    const byId = new Map(h.students.map((s) => [s.studentId, s]));
    // (present + late) / sessions that listed the student; excused counts as not attended.
    expect(byId.get(idOf(0))).toMatchObject({ sessions: 3, counts: { present: 2, late: 1, excused: 0, absent: 0 }, rate: 1 });
    expect(byId.get(idOf(1))).toMatchObject({ sessions: 3, counts: { present: 2, late: 0, excused: 0, absent: 1 }, rate: 2 / 3 });
    expect(byId.get(idOf(2))).toMatchObject({ sessions: 3, counts: { present: 0, late: 0, excused: 1, absent: 2 }, rate: 0 });
    expect(byId.get(idOf(3))).toMatchObject({ sessions: 3, counts: { present: 0, late: 1, excused: 0, absent: 2 }, rate: 1 / 3 });
    expect(h.students.map((s) => s.name)).toEqual([...h.students.map((s) => s.name)].sort((a, b) => a.localeCompare(b)));

    // Each session's report opens from the history, with the change by hand and the check-in's proof beside it.
    const report = await requestOk(klass.teacher, ClientEvents.reportGet, { sessionId: h.sessions[1]!.sessionId });
    expect(report.rows.find((r) => r.studentId === idOf(2))).toMatchObject({ status: 'excused', override: { reason: 'Medical appointment' } });
    expect(report.rows.find((r) => r.studentId === idOf(0))).toMatchObject({ status: 'late', methods: ['passkey', 'geofence'] });
  });

  it('gives each student their own status in every session and their rate, and nothing about anyone else', async () => {
    const mine = await requestOk(student(1).socket, ClientEvents.historyMine, {});
    expect(mine.courses).toHaveLength(1);
    expect(mine.courses[0]).toMatchObject({ courseId: klass.cls.courseId, courseCode: klass.cls.courseCode, rate: 2 / 3 });
    expect(mine.courses[0]!.sessions.map((s) => [s.sessionId, s.status, s.changedByHand])).toEqual([
      [sessionIds[2], 'absent', false],
      [sessionIds[1], 'present', true],
      [sessionIds[0], 'present', false],
    ]);
    const text = JSON.stringify(mine);
    for (const i of [0, 2, 3]) expect(text).not.toContain(idOf(i));
    expect(text).not.toContain('battery');

    await expect(requestOk(student(2).socket, ClientEvents.historyMine, {})).resolves.toMatchObject({
      courses: [{ rate: 0, counts: { present: 0, late: 0, excused: 1, absent: 2 } }],
    });
    // A student of another course sees their own course only, with nothing held yet.
    await expect(requestOk(otherStudent, ClientEvents.historyMine, {})).resolves.toEqual({
      courses: [
        {
          courseId: other.courseId,
          courseCode: other.courseCode,
          courseTitle: expect.any(String),
          sessions: [],
          counts: { present: 0, late: 0, excused: 0, absent: 0 },
          rate: null,
          // The course's policy the rate follows (the default: excused sessions left out).
          excusedPolicy: 'exclude',
        },
      ],
    });
  });

  it('refuses a course’s history to its students, to other teachers, for unknown courses and malformed requests', async () => {
    const courseId = klass.cls.courseId;
    await expect(request(student(0).socket, ClientEvents.historyCourse, { courseId })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await expect(request(otherTeacher, ClientEvents.historyCourse, { courseId })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.NOT_COURSE_TEACHER } });
    await expect(request(klass.teacher, ClientEvents.historyCourse, { courseId: other.courseId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_COURSE_TEACHER },
    });
    await expect(request(klass.teacher, ClientEvents.historyCourse, { courseId: '00000000-0000-4000-8000-000000000000' })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.COURSE_NOT_FOUND },
    });
    for (const bad of [{}, { courseId: 'CS101' }, { courseId, extra: 1 }]) {
      await expect(request(klass.teacher, ClientEvents.historyCourse, bad)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    }
    // Asking for someone else's history by naming them is an identity claim.
    await expect(request(student(0).socket, ClientEvents.historyMine, { studentId: idOf(1) })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.IDENTITY_MISMATCH } });
    await expect(request(student(0).socket, ClientEvents.historyMine, { courseId })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
  });
});
