/**
 * The classroom: a teacher and 40 students as real Socket.IO clients against the five services,
 * real NATS (JetStream), Redis and Postgres. Passkeys go through the real WebAuthn ceremonies.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, ServerEvents, type Position, type ReportReply } from '@classconnect/contracts';
import { EventLog, offsetNorth, requestOk, seatClass, startTestSystem, type ClassFixture, type Classroom, type StudentClient, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const room: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 12 };

describe('a lecture checking in', () => {
  let sys: TestSystem;
  let seated: Classroom;
  let cls: ClassFixture;
  let teacher: Socket;
  let students: StudentClient[];

  beforeAll(async () => {
    sys = await startTestSystem();
    seated = await seatClass(sys, 40);
    ({ cls, teacher, students } = seated);
  });

  afterAll(async () => {
    seated?.close();
    await sys?.stop();
  });

  it('accepts the 30 inside, rejects 5 outside and 3 without user verification, and reports 30 present and 10 absent', async () => {
    const roster = new EventLog(teacher, ServerEvents.rosterUpdate);
    const reportReady = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
    expect(session).toMatchObject({ courseId: cls.courseId, status: 'open', enrolledCount: 40, presentCount: 0 });
    expect(JSON.stringify(session)).not.toContain(String(room.latitude));

    // Every enrolled student is told at once, without the teacher's position.
    const openedPushes = await Promise.all(students.map((s) => s.opened.waitFor((o) => o.sessionId === session.sessionId)));
    for (const pushed of openedPushes) expect(JSON.stringify(pushed)).not.toContain(String(room.latitude));

    const inside = students.slice(0, 30);
    const outside = students.slice(30, 35);
    const unverified = students.slice(35, 38);
    unverified.forEach((s) => (s.authenticator.userVerification = false));

    const results = await Promise.all([
      ...inside.map((s, i) => s.checkIn(session.sessionId, offsetNorth(room, (i % 10) * 4))),
      ...outside.map((s) => s.checkIn(session.sessionId, offsetNorth(room, 900))),
      ...unverified.map((s) => s.checkIn(session.sessionId, offsetNorth(room, 5))),
    ]);
    const accepted = results.slice(0, 30);
    const outsideResults = results.slice(30, 35);
    const unverifiedResults = results.slice(35);
    expect(accepted.every((r) => r.verdict === 'accepted')).toBe(true);
    expect(outsideResults.map((r) => r.reason)).toEqual(Array(5).fill(ErrorCode.OUTSIDE_GEOFENCE));
    expect(outsideResults[0]!.message).toMatch(/\w+/);
    expect(unverifiedResults.map((r) => r.reason)).toEqual(Array(3).fill(ErrorCode.USER_NOT_VERIFIED));

    // The teacher saw every change: 30 arrivals and 8 refusals, each student once.
    await roster.waitFor(() => roster.items.length >= 38);
    const present = roster.items.filter((u) => u.state === 'present').map((u) => u.studentId);
    const refused = roster.items.filter((u) => u.state === 'rejected').map((u) => u.studentId);
    expect(new Set(present)).toEqual(new Set(inside.map((_, i) => cls.students[i]!.id)));
    expect(present).toHaveLength(30);
    expect(refused.sort()).toEqual(cls.students.slice(30, 38).map((s) => s.id).sort());

    const live = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(live.presentCount).toBe(30);
    expect(live.roster?.filter((r) => r.state === 'present')).toHaveLength(30);

    const closed = await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    expect(closed.status).toBe('closed');
    await reportReady.waitFor((r) => r.sessionId === session.sessionId);

    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expectReport(report, cls, 30);
    const absentIds = report.rows.filter((r) => r.status === 'absent').map((r) => r.studentId).sort();
    expect(absentIds).toEqual(cls.students.slice(30).map((s) => s.id).sort());
    const outsideRow = report.rows.find((r) => r.studentId === cls.students[30]!.id);
    expect(outsideRow?.lastRejection).toBe(ErrorCode.OUTSIDE_GEOFENCE);
    for (const row of report.rows.filter((r) => r.status === 'present')) {
      expect(row.distanceM).toBeLessThanOrEqual(60);
      expect(row.methods).toEqual(expect.arrayContaining(['passkey', 'geofence']));
    }

    // The same report as a CSV download over HTTP.
    const token = await sys.signIn(cls.teacher.email, cls.teacher.password);
    const csv = await fetch(`${sys.gatewayUrl}/api/sessions/${session.sessionId}/report.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(41);
    expect(lines.filter((l) => l.includes(',present,'))).toHaveLength(30);
  });
});

function expectReport(report: ReportReply, cls: ClassFixture, presentCount: number) {
  expect(report.presentCount).toBe(presentCount);
  expect(report.absentCount).toBe(cls.students.length - presentCount);
  expect(report.rows).toHaveLength(cls.students.length);
  expect(new Set(report.rows.map((r) => r.studentId)).size).toBe(cls.students.length);
  // Privacy: the report keeps distance and accuracy, never coordinates.
  expect(JSON.stringify(report)).not.toMatch(/latitude|longitude|48\.84/);
}
