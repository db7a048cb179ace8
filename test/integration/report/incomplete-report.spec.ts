import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { EventSubjects, Rpc, Streams, type Actor, type CloudEvent, type EventData, type UserSummary } from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { EventPublisher, RpcClient, RpcServer, connectNats, subscriptionsRegistered, sleep, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { ensureDatabase, migrate } from '@classconnect/persistence';
import { AppModule } from '../../../apps/report-service/src/app.module.js';
import { Env } from '../../../apps/report-service/src/config.js';
import { reportDataSourceOptions } from '../../../apps/report-service/src/infrastructure/database.js';
import { waitFor } from '@classconnect/testing';

/**
 * A report never waits forever: report-service in-process against the real Postgres (its own
 * throw-away database) and NATS, with a short mark wait. A close lists a student whose mark is
 * withheld; the report is built after the wait, says it is incomplete, and is rebuilt with
 * report.updated when the mark is published (as a late publish or a replayed dead letter would).
 */
const run = randomUUID().slice(0, 8);
const WaitMs = 1_000;
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
  url.pathname = '/classconnect_it_report_incomplete';
  return url.toString();
})();
const config = loadConfig(Env, {
  ...process.env,
  DATABASE_URL: databaseUrl,
  REPORT_CONSUMER_NAME: `report-incomplete-it-${run}`,
  REPORT_CONSUMER_DELIVER: 'new',
  REPORT_MARK_WAIT_MS: String(WaitMs),
});

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const courseId = randomUUID();
const students: UserSummary[] = ['Al', 'Bea', 'Cat'].map((name) => ({ id: randomUUID(), name: `${name} Example`, email: `${name.toLowerCase()}-${run}@uni.test`, role: 'student' }));
const [al, bea, cat] = students as [UserSummary, UserSummary, UserSummary];
const now = () => new Date().toISOString();


describe('report-service: a report never waits forever', () => {
  let nc: NatsConnection;
  let app: INestApplicationContext;
  let identity: RpcServer;
  let rpc: RpcClient;
  let publisher: EventPublisher;
  let db: pg.Client;
  const ready: CloudEvent<typeof EventSubjects.reportReady>[] = [];
  const updated: CloudEvent<typeof EventSubjects.reportUpdated>[] = [];

  const opened = (sessionId: string): EventData<typeof EventSubjects.sessionOpened> => ({
    sessionId,
    courseId,
    courseCode: 'PHY120',
    courseTitle: 'Waves',
    teacherId: teacher.userId,
    openedAt: now(),
    radiusM: 80,
    enrolledStudentIds: students.map((s) => s.id),
  });
  const closed = (sessionId: string, present: UserSummary[]): EventData<typeof EventSubjects.sessionClosed> => ({
    sessionId,
    courseId,
    closedAt: now(),
    closedBy: teacher.userId,
    presentStudentIds: present.map((s) => s.id),
  });
  /** A check-in's marks as session-service publishes them: v2 first, then v1. */
  async function publishMark(sessionId: string, s: UserSummary, keySuffix = '') {
    const fact = { sessionId, courseId, studentId: s.id, source: 'checkin' as const, submissionId: `sub-${sessionId}-${s.id}`, distanceM: 12, accuracyM: 7, methods: ['passkey' as const, 'geofence' as const], markedAt: now() };
    await publisher.publish(EventSubjects.markRecordedV2, { ...fact, status: 'present' }, { dedupKey: `mark.v2:${sessionId}:${s.id}${keySuffix}`, about: sessionId });
    await publisher.publish(EventSubjects.markRecorded, { ...fact, status: 'present' }, { dedupKey: `mark:${sessionId}:${s.id}${keySuffix}`, about: sessionId });
  }
  const readyFor = (sessionId: string) => waitFor(() => ready.find((e) => e.data.sessionId === sessionId), `report.ready of ${sessionId}`);
  const updateOf = (sessionId: string, revision: number) =>
    waitFor(() => updated.find((e) => e.data.sessionId === sessionId && e.data.revision === revision), `report.updated ${revision} of ${sessionId}`);

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS report CASCADE');
    await migrate(reportDataSourceOptions(databaseUrl));

    nc = await connectNats(config.NATS_URL, 'incomplete-report-spec');
    identity = new RpcServer(nc, `spec-identity-incomplete-${run}`);
    identity.handle(Rpc.identityUsers, async ({ userIds }) => ({ users: students.filter((s) => userIds.includes(s.id)) }));
    identity.handle(Rpc.identityCourse, async ({ courseId: id }) => ({ id, code: 'PHY120', title: 'Waves', teacherIds: [teacher.userId] }));
    rpc = new RpcClient(nc, 5_000);
    publisher = new EventPublisher(nc, '/classconnect/spec');
    subscribeEvents(nc, EventSubjects.reportReady, (e) => ready.push(e as CloudEvent<typeof EventSubjects.reportReady>));
    subscribeEvents(nc, EventSubjects.reportUpdated, (e) => updated.push(e as CloudEvent<typeof EventSubjects.reportUpdated>));

    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
    await app.init();
    await subscriptionsRegistered(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await identity?.close();
    const jsm = nc && (await jetstreamManager(nc));
    await jsm?.consumers.delete(Streams.attendance.name, config.REPORT_CONSUMER_NAME).catch(() => undefined);
    // The erasure durable is named after it (report-service's privacy module starts it too).
    await jsm?.consumers.delete(Streams.directory.name, `${config.REPORT_CONSUMER_NAME}-erasure`).catch(() => undefined);
    await nc?.drain();
    await db?.end();
  });

  it('builds the report after its wait without a withheld mark, says so, and rebuilds it when the mark arrives', async () => {
    const sessionId = randomUUID();
    await publisher.publish(EventSubjects.sessionOpened, opened(sessionId), { dedupKey: `opened:${sessionId}`, about: sessionId });
    await publishMark(sessionId, al);
    // Bea is listed present, but her mark is withheld (as if it were set aside in the dead letters).
    const closedAt = Date.now();
    await publisher.publish(EventSubjects.sessionClosed, closed(sessionId, [al, bea]), { dedupKey: `closed:${sessionId}`, about: sessionId });

    const first = await readyFor(sessionId);
    expect(Date.parse(first.time) - closedAt).toBeGreaterThanOrEqual(WaitMs);
    expect(first.data).toMatchObject({ presentCount: 2, absentCount: 1, incomplete: { reason: 'EVENTS_MISSING', missingStudentIds: [bea.id], openedMissing: false } });
    let report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    expect(report).toMatchObject({ revision: 0, presentCount: 2, incomplete: { reason: 'EVENTS_MISSING', missingStudentIds: [bea.id], openedMissing: false } });
    expect(report.rows.find((r) => r.studentId === bea.id)).toEqual({ studentId: bea.id, name: 'Bea Example', email: bea.email, status: 'present' });

    await publishMark(sessionId, bea);
    const update = await updateOf(sessionId, 1);
    expect(update.id).toBe(`report.updated:${sessionId}:1`);
    expect(update.data).toMatchObject({ presentCount: 2, absentCount: 1, counts: { present: 2, late: 0, excused: 0, absent: 1 } });
    expect(update.data.incomplete).toBeUndefined();
    report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    expect(report.revision).toBe(1);
    expect(report.incomplete).toBeUndefined();
    expect(report.rows.find((r) => r.studentId === bea.id)).toMatchObject({ status: 'present', distanceM: 12, accuracyM: 7, methods: ['passkey', 'geofence'] });
    expect(report.rows.find((r) => r.studentId === bea.id)?.checkedInAt).toBeDefined();
    expect((await db.query('SELECT incomplete FROM report.reports WHERE session_id = $1', [sessionId])).rows).toEqual([{ incomplete: null }]);

    // The mark again (a redelivery, or a replay under new ids): nothing changes.
    await publishMark(sessionId, bea, ':again');
    const sentinel = randomUUID();
    await publisher.publish(EventSubjects.sessionOpened, { ...opened(sentinel), enrolledStudentIds: [] }, { dedupKey: `opened:${sentinel}` });
    await publisher.publish(EventSubjects.sessionClosed, closed(sentinel, []), { dedupKey: `closed:${sentinel}` });
    await readyFor(sentinel);
    await expect(rpc.request(Rpc.reportGet, { actor: teacher, sessionId })).resolves.toEqual(report);
    expect(updated.filter((e) => e.data.sessionId === sessionId)).toHaveLength(1);
    expect(ready.filter((e) => e.data.sessionId === sessionId)).toHaveLength(1);
  }, 30_000);

  it('adds the enrolled students when the opening it was built without arrives', async () => {
    const sessionId = randomUUID();
    await publishMark(sessionId, al);
    await publisher.publish(EventSubjects.sessionClosed, closed(sessionId, [al]), { dedupKey: `closed:${sessionId}`, about: sessionId });

    const first = await readyFor(sessionId);
    expect(first.data).toMatchObject({ presentCount: 1, absentCount: 0, incomplete: { missingStudentIds: [], openedMissing: true } });

    await publisher.publish(EventSubjects.sessionOpened, opened(sessionId), { dedupKey: `opened:${sessionId}`, about: sessionId });
    const update = await updateOf(sessionId, 1);
    expect(update.data).toMatchObject({ presentCount: 1, absentCount: 2 });
    expect(update.data.incomplete).toBeUndefined();
    const report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    expect(report).toMatchObject({ courseCode: 'PHY120', revision: 1 });
    expect(report.incomplete).toBeUndefined();
    expect(report.rows.map((r) => [r.name, r.status])).toEqual([
      ['Al Example', 'present'],
      ['Bea Example', 'absent'],
      ['Cat Example', 'absent'],
    ]);
  }, 30_000);
});
