/**
 * Low-attendance warnings through the real system: three sessions of a class of three, one student
 * absent from all of them (three in a row: raised with the deployment's defaults), an absence
 * excused by hand after Stop (the run is broken: cleared), then the course's own thresholds
 * (a rate below 70 % after 3 sessions: raised at once for the student at 2 of 3). Checked on the
 * stream (attendance.warning.*.v1 against their schemas), in the pushes to the student and the
 * teacher, and in warnings:course / warnings:mine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  ClientEvents,
  EventSchemas,
  EventSubjects,
  ErrorCode,
  ServerEvents,
  type CloudEvent,
  type Position,
} from '@classconnect/contracts';
import { EventLog, offsetNorth, request, requestOk, seatClass, startTestSystem, waitFor, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 10 };

describe('low-attendance warnings', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let nc: NatsConnection;
  const onStream: CloudEvent[] = [];
  let ready: EventLog<typeof ServerEvents.reportReady>;
  let updated: EventLog<typeof ServerEvents.reportUpdated>;
  let teacherRaised: EventLog<typeof ServerEvents.warningRaised>;
  let teacherCleared: EventLog<typeof ServerEvents.warningCleared>;
  let absentRaised: EventLog<typeof ServerEvents.warningRaised>;
  let absentCleared: EventLog<typeof ServerEvents.warningCleared>;
  let keenRaised: EventLog<typeof ServerEvents.warningRaised>;
  const sessions: string[] = [];
  const idOf = (i: number) => klass.cls.students[i]!.id;

  /** One session: the students in `come` check in; resolves once its report is built. */
  async function runSession(come: number[]): Promise<string> {
    const { sessionId } = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50 });
    for (const i of come) await expect(klass.students[i]!.checkIn(sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId });
    await ready.waitFor((r) => r.sessionId === sessionId);
    sessions.push(sessionId);
    return sessionId;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    klass = await seatClass(sys, 3);
    nc = await connect({ servers: sys.env.NATS_URL });
    nc.subscribe('attendance.warning.>', { callback: (_err, msg) => void onStream.push(msg.json<CloudEvent>()) });
    ready = new EventLog(klass.teacher, ServerEvents.reportReady);
    updated = new EventLog(klass.teacher, ServerEvents.reportUpdated);
    teacherRaised = new EventLog(klass.teacher, ServerEvents.warningRaised);
    teacherCleared = new EventLog(klass.teacher, ServerEvents.warningCleared);
    absentRaised = new EventLog(klass.students[1]!.socket, ServerEvents.warningRaised);
    absentCleared = new EventLog(klass.students[1]!.socket, ServerEvents.warningCleared);
    keenRaised = new EventLog(klass.students[0]!.socket, ServerEvents.warningRaised);
  });

  afterAll(async () => {
    klass?.close();
    await nc?.close();
    await sys?.stop();
  });

  it('raises CONSECUTIVE_ABSENCES with the deployment’s defaults after three missed sessions, for that student only', async () => {
    // Student 0 comes every time; student 1 never; student 2 misses the second.
    await runSession([0, 2]);
    await runSession([0]);
    expect(teacherRaised.items).toHaveLength(0);
    await runSession([0, 2]);

    const raised = await teacherRaised.waitFor((w) => w.studentId === idOf(1));
    expect(raised).toMatchObject({ courseId: klass.cls.courseId, kind: 'CONSECUTIVE_ABSENCES', figures: { rate: 0, countedSessions: 3, consecutiveAbsences: 3 } });
    await expect(absentRaised.waitFor((w) => w.warningId === raised.warningId)).resolves.toMatchObject({ kind: 'CONSECUTIVE_ABSENCES' });

    const course = await requestOk(klass.teacher, ClientEvents.warningsCourse, { courseId: klass.cls.courseId });
    expect(course).toMatchObject({ overridden: false, thresholds: { minRate: 0.7, minSessions: 5, consecutiveAbsences: 3, excusedPolicy: 'exclude' } });
    expect(course.warnings).toEqual([expect.objectContaining({ studentId: idOf(1), kind: 'CONSECUTIVE_ABSENCES', name: klass.cls.students[1]!.name })]);
    await expect(requestOk(klass.students[1]!.socket, ClientEvents.warningsMine, {})).resolves.toMatchObject({
      warnings: [{ courseId: klass.cls.courseId, courseCode: klass.cls.courseCode, kind: 'CONSECUTIVE_ABSENCES' }],
    });
    await expect(requestOk(klass.students[0]!.socket, ClientEvents.warningsMine, {})).resolves.toEqual({ warnings: [] });
    // Students see their own warnings only.
    await expect(request(klass.students[1]!.socket, ClientEvents.warningsCourse, { courseId: klass.cls.courseId })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
  });

  it('clears it when the teacher excuses one of the absences after Stop (excused sessions are left out)', async () => {
    await requestOk(klass.teacher, ClientEvents.attendanceMark, { sessionId: sessions[1]!, targetStudentId: idOf(1), status: 'excused', reason: 'Sick note' });
    await updated.waitFor((u) => u.sessionId === sessions[1]);
    const cleared = await teacherCleared.waitFor((w) => w.studentId === idOf(1));
    expect(cleared).toMatchObject({ kind: 'CONSECUTIVE_ABSENCES', figures: { countedSessions: 2, consecutiveAbsences: 2 } });
    expect(cleared.warningId).toBe(teacherRaised.items[0]!.warningId);
    await absentCleared.waitFor((w) => w.warningId === cleared.warningId);
    await expect(requestOk(klass.students[1]!.socket, ClientEvents.warningsMine, {})).resolves.toEqual({ warnings: [] });
  });

  it('applies a course’s own thresholds at once, and only its teachers may set them', async () => {
    const own = { minRate: 0.7, minSessions: 3, consecutiveAbsences: 3, excusedPolicy: 'exclude' as const };
    await expect(request(klass.students[0]!.socket, ClientEvents.warningsThresholdsSet, { courseId: klass.cls.courseId, thresholds: own })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    await expect(request(klass.teacher, ClientEvents.warningsThresholdsSet, { courseId: klass.cls.courseId, thresholds: { ...own, minRate: 7 } })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED },
    });
    const reply = await requestOk(klass.teacher, ClientEvents.warningsThresholdsSet, { courseId: klass.cls.courseId, thresholds: own });
    // Student 2: 2 of 3 (67 %). Student 1: 0 of the 2 sessions that count (one excused), under the minimum of 3.
    expect(reply).toMatchObject({ overridden: true, thresholds: own, warnings: [{ studentId: idOf(2), kind: 'LOW_RATE', figures: { countedSessions: 3 } }] });
    await teacherRaised.waitFor((w) => w.studentId === idOf(2) && w.kind === 'LOW_RATE');
    expect(keenRaised.items).toHaveLength(0);
  });

  it('published each raise and clear once on ATTENDANCE, valid against its schema', async () => {
    const byType = (t: string) => onStream.filter((e) => e.type === `edu.classconnect.${t}`);
    await waitFor(() => onStream.length >= 3, 'three warning events on the stream');
    const raised = byType(EventSubjects.warningRaised);
    const cleared = byType(EventSubjects.warningCleared);
    expect(raised.map((e) => (e.data as { kind: string }).kind).sort()).toEqual(['CONSECUTIVE_ABSENCES', 'LOW_RATE']);
    expect(cleared).toHaveLength(1);
    for (const e of raised) expect(EventSchemas[EventSubjects.warningRaised].safeParse(e.data).success).toBe(true);
    expect(EventSchemas[EventSubjects.warningCleared].parse(cleared[0]!.data)).toMatchObject({ reason: 'RECOVERED', studentId: idOf(1) });
    expect(onStream).toHaveLength(3);
  });
});
