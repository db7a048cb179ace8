/**
 * Retention of check-in evidence through the real system: with EVIDENCE_RETENTION_DAYS=0 and a
 * short sweep, a closed session loses its distances, accuracies, methods and rejection details —
 * in the report, the student's records and Postgres — while every status, check-in time and
 * change by hand (with its reason) stays, also after a later change by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ClientEvents, ErrorCode, ServerEvents, type MyRecordsReply, type Position, type ReportReply } from '@classconnect/contracts';
import { EventLog, offsetNorth, requestOk, seatClass, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 43.6045, longitude: 1.4442, accuracy: 10 };

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('retention of check-in evidence', () => {
  let sys: TestSystem;
  let room1: Classroom;
  let db: pg.Client;

  beforeAll(async () => {
    sys = await startTestSystem({ env: { EVIDENCE_RETENTION_DAYS: '0', EVIDENCE_SWEEP_INTERVAL_MS: '300' } });
    room1 = await seatClass(sys, 3);
    db = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    room1?.close();
    await sys?.stop();
  });

  it('removes the evidence of a closed session and keeps every status, time and change by hand', async () => {
    const { teacher, students, cls } = room1;
    const id = (i: number) => cls.students[i]!.id;
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
    await expect(students[0]!.checkIn(session.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    await expect(students[1]!.checkIn(session.sessionId, offsetNorth(room, 400))).resolves.toMatchObject({ reason: ErrorCode.OUTSIDE_GEOFENCE });
    await requestOk(teacher, ClientEvents.attendanceMark, { sessionId: session.sessionId, targetStudentId: id(1), status: 'excused', reason: 'Sports competition' });
    // While the session is open nothing is removed: the live roster still shows the distance.
    const live = await requestOk(teacher, ClientEvents.sessionGet, { sessionId: session.sessionId });
    expect(live.roster?.find((r) => r.studentId === id(0))?.distanceM).toBeLessThan(20);

    const ready = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);

    const report: ReportReply = await until(
      () => requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId }),
      (r) => r.evidenceRemoved === true,
      'the evidence sweep',
    );
    expect(Date.parse(report.evidenceRemovedAt!)).toBeGreaterThanOrEqual(Date.parse(report.closedAt));
    const row = (i: number) => report.rows.find((r) => r.studentId === id(i))!;
    expect(row(0)).toMatchObject({ status: 'present' });
    expect(row(0).checkedInAt).toBeDefined();
    expect(row(1)).toMatchObject({ status: 'excused', override: { status: 'excused', reason: 'Sports competition', by: cls.teacher.id } });
    expect(row(2)).toMatchObject({ status: 'absent' });
    for (const r of report.rows) {
      expect(r).not.toHaveProperty('distanceM');
      expect(r).not.toHaveProperty('accuracyM');
      expect(r).not.toHaveProperty('methods');
      expect(r).not.toHaveProperty('lastRejection');
    }
    expect(report.counts).toEqual({ present: 1, late: 0, excused: 1, absent: 1 });

    // In Postgres too: the projection keeps statuses and times, not the evidence.
    const marks = await db.query('SELECT status, marked_at, distance_m, accuracy_m, methods FROM report.marks WHERE session_id = $1', [session.sessionId]);
    expect(marks.rows).toEqual([expect.objectContaining({ status: 'present', distance_m: null, accuracy_m: null, methods: null })]);
    const checkins = await db.query('SELECT verdict, reason, distance_m FROM report.checkins WHERE session_id = $1 ORDER BY verdict', [session.sessionId]);
    expect(checkins.rows).toEqual([
      { verdict: 'accepted', reason: null, distance_m: null },
      { verdict: 'rejected', reason: null, distance_m: null },
    ]);

    // The student's own records say so.
    const token = await sys.signIn(cls.students[0]!.email, cls.students[0]!.password);
    const records = (await (await fetch(`${sys.gatewayUrl}/api/me/records.json`, { headers: { authorization: `Bearer ${token}` } })).json()) as MyRecordsReply;
    expect(records.records).toEqual([expect.objectContaining({ sessionId: session.sessionId, status: 'present', evidenceRemoved: true })]);
    expect(records.records[0]).not.toHaveProperty('distanceM');
  });

  it('applies a later change by hand without bringing the evidence back', async () => {
    const { teacher, cls } = room1;
    const [{ session_id: sessionId }] = (await db.query('SELECT session_id FROM report.reports')).rows as { session_id: string }[];
    const updated = new EventLog(teacher, ServerEvents.reportUpdated);
    await requestOk(teacher, ClientEvents.attendanceMark, { sessionId: sessionId!, targetStudentId: cls.students[0]!.id, status: 'late', reason: 'Arrived after the quiz' });
    await updated.waitFor((u) => u.sessionId === sessionId);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: sessionId! });
    expect(report).toMatchObject({ evidenceRemoved: true, revision: 1 });
    const row = report.rows.find((r) => r.studentId === cls.students[0]!.id)!;
    expect(row).toMatchObject({ status: 'late', checkinStatus: 'present', override: { reason: 'Arrived after the quiz' } });
    expect(row).not.toHaveProperty('distanceM');
    expect(row).not.toHaveProperty('methods');
  });
});
