import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { ErrorCode, EventSubjects, Rpc, Streams, type Actor, type CloudEvent, type EventData, type EventSubject, type ReportReply, type UserSummary } from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { EventPublisher, RpcClient, RpcServer, connectNats, subscriptionsRegistered, sleep, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { ensureDatabase, migrate } from '@classconnect/persistence';
import { AppModule } from '../../../apps/report-service/src/app.module.js';
import { Env } from '../../../apps/report-service/src/config.js';
import { reportDataSourceOptions } from '../../../apps/report-service/src/infrastructure/database.js';

/**
 * Erasure and export in report-service, started in-process against the real Postgres (a throw-away
 * database) and NATS, with a fake identity-service that, like the real one, answers the erased
 * label and no email for an erased id. The durables carry this run's name; the erasure durable
 * reads DIRECTORY from its start, where other runs' erasures name ids unknown here.
 */
const run = randomUUID().slice(0, 8);
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
  url.pathname = '/classconnect_it_report_erasure';
  return url.toString();
})();
const config = loadConfig(Env, { ...process.env, DATABASE_URL: databaseUrl, REPORT_CONSUMER_NAME: `report-erasure-it-${run}`, REPORT_CONSUMER_DELIVER: 'new' });

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const admin: Actor = { userId: randomUUID(), role: 'admin' };
const courseId = randomUUID();
const [s1, s2] = [randomUUID(), randomUUID()];
const ann: UserSummary = { id: randomUUID(), name: 'Ann Example', email: `ann-${run}@uni.test`, role: 'student' };
const bob: UserSummary = { id: randomUUID(), name: 'Bob Brown', email: `bob-${run}@uni.test`, role: 'student' };
const cyd: UserSummary = { id: randomUUID(), name: 'Cyd Other', email: `cyd-${run}@uni.test`, role: 'student' };
const students = [ann, bob, cyd];
const erased = new Set<string>();
const asStudent = (u: UserSummary): Actor => ({ userId: u.id, role: 'student' });
const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();

describe('report-service: erasure and export of a person', () => {
  let nc: NatsConnection;
  let app: INestApplicationContext;
  let identity: RpcServer;
  let rpc: RpcClient;
  let publisher: EventPublisher;
  let db: pg.Client;
  const ready: CloudEvent<typeof EventSubjects.reportReady>[] = [];
  const updated: CloudEvent<typeof EventSubjects.reportUpdated>[] = [];

  const publish = <S extends EventSubject>(subject: S, data: EventData<S>, dedupKey: string) => publisher.publish(subject, data, { dedupKey: `${dedupKey}:${run}` });
  const report = (sessionId: string): Promise<ReportReply> => rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params)).rows[0].n);

  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  const subscriptionsOf = (u: UserSummary) => count('SELECT count(*) AS n FROM report.push_subscriptions WHERE user_id = $1', [u.id]);
  const eraseAccount = (u: UserSummary, attendance: 'pseudonymised' | 'removed', key: string) => {
    erased.add(u.id);
    return publish(EventSubjects.accountErased, { userId: u.id, attendance, erasedBy: admin.userId, erasedAt: new Date().toISOString() }, key);
  };

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS report CASCADE');
    await migrate(reportDataSourceOptions(databaseUrl));

    nc = await connectNats(config.NATS_URL, 'report-erasure-spec');
    identity = new RpcServer(nc, `spec-identity-${run}`);
    identity.handle(Rpc.identityUsers, async ({ userIds }) => ({
      users: students.filter((s) => userIds.includes(s.id)).map((s) => (erased.has(s.id) ? { ...s, name: 'Erased student', email: '' } : s)),
    }));
    identity.handle(Rpc.identityCourse, async ({ courseId: id }) => ({ id, code: 'CS101', title: 'Computing', teacherIds: [teacher.userId] }));
    rpc = new RpcClient(nc, 5_000);
    publisher = new EventPublisher(nc, '/classconnect/spec');
    subscribeEvents(nc, EventSubjects.reportReady, (e) => ready.push(e as CloudEvent<typeof EventSubjects.reportReady>));
    subscribeEvents(nc, EventSubjects.reportUpdated, (e) => updated.push(e as CloudEvent<typeof EventSubjects.reportUpdated>));

    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
    await app.init();
    await subscriptionsRegistered(app);

    // Two closed sessions of ann and bob. s1: ann checks in (flagged), bob is refused. s2: bob is
    // late, ann is excused by hand with a reason that names both.
    const opened = (sessionId: string, minute: number) =>
      publish(
        EventSubjects.sessionOpened,
        { sessionId, courseId, courseCode: 'CS101', courseTitle: 'Computing', teacherId: teacher.userId, openedAt: at(minute), radiusM: 50, enrolledStudentIds: [ann.id, bob.id] },
        `opened:${sessionId}`,
      );
    await opened(s1, 0);
    await publish(
      EventSubjects.checkinVerified,
      { submissionId: `a1-${run}`, sessionId: s1, courseId, studentId: ann.id, distanceM: 11, accuracyM: 6, methods: ['passkey', 'geofence'], verifiedAt: at(2) },
      `v:a1`,
    );
    await publish(
      EventSubjects.checkinRejected,
      { submissionId: `b1-${run}`, sessionId: s1, courseId, studentId: bob.id, reason: 'OUTSIDE_GEOFENCE', message: 'You are too far from the room.', distanceM: 900, accuracyM: 20, rejectedAt: at(3) },
      `v:b1`,
    );
    await publish(
      EventSubjects.markRecordedV2,
      { sessionId: s1, courseId, studentId: ann.id, status: 'present', source: 'checkin', submissionId: `a1-${run}`, distanceM: 11, accuracyM: 6, methods: ['passkey', 'geofence'], markedAt: at(2) },
      `m:a1`,
    );
    await publish(
      EventSubjects.checkinFlagged,
      { sessionId: s1, courseId, studentId: ann.id, submissionId: `a1-${run}`, flags: [{ code: 'ACCURACY_ZERO', detail: 'The position came with an accuracy of 0 m.' }], flaggedAt: at(2) },
      `f:a1`,
    );
    await publish(EventSubjects.sessionClosed, { sessionId: s1, courseId, closedAt: at(50), closedBy: teacher.userId, presentStudentIds: [ann.id] }, `closed:${s1}`);

    await opened(s2, 60 * 24);
    await publish(
      EventSubjects.checkinVerified,
      { submissionId: `b2-${run}`, sessionId: s2, courseId, studentId: bob.id, distanceM: 20, accuracyM: 9, methods: ['passkey', 'geofence'], verifiedAt: at(60 * 24 + 15) },
      `v:b2`,
    );
    await publish(
      EventSubjects.markRecordedV2,
      { sessionId: s2, courseId, studentId: bob.id, status: 'late', source: 'checkin', submissionId: `b2-${run}`, distanceM: 20, accuracyM: 9, methods: ['passkey', 'geofence'], markedAt: at(60 * 24 + 15) },
      `m:b2`,
    );
    await publish(
      EventSubjects.markChanged,
      { sessionId: s2, courseId, studentId: ann.id, status: 'excused', previousStatus: 'absent', reason: 'Bob Brown says Ann Example was ill', changedBy: teacher.userId, changedAt: at(60 * 24 + 20), sequence: 1 },
      `mc:a2`,
    );
    await publish(EventSubjects.sessionClosed, { sessionId: s2, courseId, closedAt: at(60 * 24 + 50), closedBy: teacher.userId, presentStudentIds: [bob.id] }, `closed:${s2}`);
    for (const id of [s1, s2]) await until(`report.ready of ${id}`, () => ready.find((e) => e.data.sessionId === id));

    for (const [i, u] of students.entries()) {
      await db.query(
        `INSERT INTO report.push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES ($1, $2, 'p256dh-key', 'auth-secret', $3)`,
        [`https://fcm.googleapis.com/fcm/send/${run}-device-${i}`, u.id, at(1)],
      );
    }
    await db.query(
      `INSERT INTO report.warnings (warning_id, course_id, student_id, kind, thresholds, figures, session_id, raised_at)
       VALUES ($1, $2, $3, 'CONSECUTIVE_ABSENCES', '{}'::jsonb, '{}'::jsonb, $4, $5)`,
      [randomUUID(), courseId, bob.id, s2, at(60 * 24 + 51)],
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await identity?.close();
    const jsm = nc && (await jetstreamManager(nc));
    await jsm?.consumers.delete(Streams.attendance.name, config.REPORT_CONSUMER_NAME).catch(() => undefined);
    await jsm?.consumers.delete(Streams.directory.name, `${config.REPORT_CONSUMER_NAME}-erasure`).catch(() => undefined);
    await nc?.drain();
    await db?.end();
  });

  it('exports a person’s attendance, check-ins, flags, changes by hand, warnings and push hosts, to them or an admin only', async () => {
    const mine = await rpc.request(Rpc.reportPersonData, { actor: asStudent(ann), userId: ann.id });
    expect(mine.attendance).toEqual([
      { sessionId: s1, courseId, courseCode: 'CS101', courseTitle: 'Computing', openedAt: at(0), closedAt: at(50), status: 'present', markedAt: at(2), methods: ['passkey', 'geofence'], distanceM: 11, accuracyM: 6 },
      { sessionId: s2, courseId, courseCode: 'CS101', courseTitle: 'Computing', openedAt: at(60 * 24), closedAt: at(60 * 24 + 50), status: 'excused', markedAt: null, methods: [], distanceM: null, accuracyM: null },
    ]);
    expect(mine.checkins).toEqual([{ submissionId: `a1-${run}`, sessionId: s1, verdict: 'accepted', reason: null, distanceM: 11, accuracyM: 6, decidedAt: at(2) }]);
    expect(mine.flags).toEqual([{ submissionId: `a1-${run}`, sessionId: s1, courseId, code: 'ACCURACY_ZERO', detail: 'The position came with an accuracy of 0 m.', flaggedAt: at(2) }]);
    expect(mine.handMarks).toEqual([
      { sessionId: s2, courseId, status: 'excused', previousStatus: 'absent', reason: 'Bob Brown says Ann Example was ill', changedBy: teacher.userId, changedAt: at(60 * 24 + 20) },
    ]);
    expect(mine.warnings).toEqual([]);
    expect(mine.pushSubscriptions).toEqual([{ pushService: 'fcm.googleapis.com', createdAt: at(1), lastSentAt: null }]);
    expect(JSON.stringify(mine)).not.toMatch(/device-|auth-secret|p256dh-key|bob-/);

    const bobs = await rpc.request(Rpc.reportPersonData, { actor: admin, userId: bob.id });
    expect(bobs.attendance.map((a) => [a.sessionId, a.status])).toEqual([[s1, 'absent'], [s2, 'late']]);
    expect(bobs.checkins.map((c) => [c.verdict, c.reason])).toEqual([['rejected', 'OUTSIDE_GEOFENCE'], ['accepted', null]]);
    // The projection may clear the warning meanwhile (Bob came late to the second session): the export says what the table says.
    const clearedAt = async () => {
      const [w] = (await db.query('SELECT cleared_at FROM report.warnings WHERE student_id = $1', [bob.id])).rows as { cleared_at: Date | null }[];
      return w?.cleared_at ? new Date(w.cleared_at).toISOString() : null;
    };
    const settled = await clearedAt();
    const again = await rpc.request(Rpc.reportPersonData, { actor: admin, userId: bob.id });
    expect(again.warnings).toMatchObject([{ courseId, kind: 'CONSECUTIVE_ABSENCES' }]);
    expect([settled, await clearedAt()]).toContain(again.warnings[0]!.clearedAt);

    await expect(rpc.request(Rpc.reportPersonData, { actor: asStudent(bob), userId: ann.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(rpc.request(Rpc.reportPersonData, { actor: teacher, userId: ann.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  }, 30_000);

  it('pseudonymised: the person’s rows read "Erased student" without email, the counts stay, their push subscriptions go, and again changes nothing', async () => {
    const before = [await report(s1), await report(s2)];
    await eraseAccount(ann, 'pseudonymised', `erased:${ann.id}`);
    await until('ann’s push subscription to go', async () => ((await subscriptionsOf(ann)) === 0 ? true : undefined));
    for (const id of [s1, s2]) await until(`report.updated of ${id}`, () => updated.find((e) => e.data.sessionId === id && e.data.revision === 1));

    const after = [await report(s1), await report(s2)];
    for (const [i, r] of after.entries()) {
      expect([r.presentCount, r.absentCount, r.counts]).toEqual([before[i]!.presentCount, before[i]!.absentCount, before[i]!.counts]);
      expect(r.rows.find((row) => row.studentId === ann.id)).toMatchObject({ name: 'Erased student', email: '', status: before[i]!.rows.find((row) => row.studentId === ann.id)!.status });
      expect(r.rows.find((row) => row.studentId === bob.id)).toMatchObject({ name: 'Bob Brown', email: bob.email });
      expect(JSON.stringify(r)).not.toContain(ann.email);
      expect(JSON.stringify(r)).not.toContain('Ann Example');
    }
    expect(after[0]!.rows.find((row) => row.studentId === ann.id)).toMatchObject({ distanceM: 11, methods: ['passkey', 'geofence'], flags: [{ code: 'ACCURACY_ZERO' }] });
    expect(after[1]!.rows.find((row) => row.studentId === ann.id)?.override?.reason).toBe('Bob Brown says Erased student was ill');
    expect((await db.query('SELECT reason FROM report.mark_changes WHERE student_id = $1', [ann.id])).rows).toEqual([{ reason: 'Bob Brown says Erased student was ill' }]);
    expect(await subscriptionsOf(bob)).toBe(1);
    // Attendance stays under the id.
    expect(await count('SELECT count(*) AS n FROM report.marks WHERE student_id = $1', [ann.id])).toBe(1);

    // The same event again (published anew), then cyd's erasure: once cyd's is done, ann's second one was handled before it.
    const updatesSoFar = updated.length;
    await eraseAccount(ann, 'pseudonymised', `erased-again:${ann.id}`);
    await eraseAccount(cyd, 'pseudonymised', `erased:${cyd.id}`);
    await until('cyd’s push subscription to go', async () => ((await subscriptionsOf(cyd)) === 0 ? true : undefined));
    const again = [await report(s1), await report(s2)];
    expect(again).toEqual(after);
    expect(again.map((r) => r.revision)).toEqual([1, 1]);
    await sleep(300);
    expect(updated.slice(updatesSoFar).filter((e) => e.data.sessionId === s1 || e.data.sessionId === s2)).toEqual([]);
  }, 30_000);

  it('removed: the person’s rows and records go, and the reports are counted again from the rows left', async () => {
    expect([(await report(s2)).presentCount, (await report(s2)).absentCount]).toEqual([1, 1]);
    await eraseAccount(bob, 'removed', `erased:${bob.id}`);
    await until('bob’s push subscription to go', async () => ((await subscriptionsOf(bob)) === 0 ? true : undefined));
    for (const id of [s1, s2]) await until(`report.updated of ${id}`, () => updated.find((e) => e.data.sessionId === id && e.data.revision === 2));

    const [r1, r2] = [await report(s1), await report(s2)];
    expect(r1.rows.map((r) => r.studentId)).toEqual([ann.id]);
    expect([r1.presentCount, r1.absentCount]).toEqual([1, 0]);
    // Bob was late: he counted in the room, so the room is empty now.
    expect(r2.rows.map((r) => r.studentId)).toEqual([ann.id]);
    expect([r2.presentCount, r2.absentCount, r2.counts]).toEqual([0, 1, { present: 0, late: 0, excused: 1, absent: 0 }]);
    expect(r2.rows[0]?.override?.reason).toBe('Erased student says Erased student was ill');
    expect(updated.find((e) => e.data.sessionId === s2 && e.data.revision === 2)?.data).toMatchObject({ presentCount: 0, absentCount: 1 });

    for (const table of ['checkins', 'marks', 'checkin_flags', 'mark_changes', 'warnings']) {
      expect([table, await count(`SELECT count(*) AS n FROM report.${table} WHERE student_id = $1`, [bob.id])]).toEqual([table, 0]);
    }
    expect(await count('SELECT count(*) AS n FROM report.sessions WHERE $1::uuid = ANY(enrolled_ids) OR $1::uuid = ANY(present_ids)', [bob.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM report.sessions WHERE $1::uuid = ANY(enrolled_ids)', [ann.id])).toBe(2);
    const bobs = await rpc.request(Rpc.reportPersonData, { actor: admin, userId: bob.id });
    expect(bobs).toEqual({ attendance: [], checkins: [], flags: [], handMarks: [], warnings: [], pushSubscriptions: [] });
    // Ann's own records are untouched by bob's erasure.
    expect((await rpc.request(Rpc.reportPersonData, { actor: asStudent(ann), userId: ann.id })).attendance.map((a) => a.status)).toEqual(['present', 'excused']);
  }, 30_000);
});
