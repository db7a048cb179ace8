import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import {
  ErrorCode,
  EventSubjects,
  Rpc,
  Streams,
  type Actor,
  type CloudEvent,
  type CourseSettings,
  type EventData,
  type EventSubject,
  type UserSummary,
} from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { EventPublisher, RpcClient, RpcServer, connectNats, subscriptionsRegistered, sleep, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { ensureDatabase, migrate, revertLast } from '@classconnect/persistence';
import { AppModule } from '../../../apps/report-service/src/app.module.js';
import { Env } from '../../../apps/report-service/src/config.js';
import { reportDataSourceOptions } from '../../../apps/report-service/src/infrastructure/database.js';

/**
 * report-service started in-process against the real Postgres (a throw-away database) and NATS,
 * with a fake identity-service answering on NATS. The durable consumer has this run's own name and
 * starts at new messages, so the shared ATTENDANCE stream's history is left alone; every id is a
 * fresh uuid, so other tests' events on the stream are just more sessions in the projection.
 */
const run = randomUUID().slice(0, 8);
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
  url.pathname = '/classconnect_it_report';
  return url.toString();
})();
const config = loadConfig(Env, {
  ...process.env,
  DATABASE_URL: databaseUrl,
  REPORT_CONSUMER_NAME: `report-it-${run}`,
  REPORT_CONSUMER_DELIVER: 'new',
});

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const otherTeacher: Actor = { userId: randomUUID(), role: 'teacher' };
const admin: Actor = { userId: randomUUID(), role: 'admin' };
const courseId = randomUUID();
const sessionId = randomUUID();
// Names deliberately out of id order, so sorting by name is visible.
const students: UserSummary[] = ['Eve', 'Dan', 'Cat', 'Bea', 'Al'].map((name) => ({
  id: randomUUID(),
  name: `${name} Example`,
  email: `${name.toLowerCase()}-${run}@uni.test`,
  role: 'student',
}));
const [eve, dan, cat, bea, al] = students as [UserSummary, UserSummary, UserSummary, UserSummary, UserSummary];
const present = [eve, cat, al];
const now = () => new Date().toISOString();

/** The course's settings as the stand-in identity-service answers them (a spec changes them as an admin would). */
const courseSettings: Partial<CourseSettings> = {};

function serveFakeIdentity(nc: NatsConnection): RpcServer {
  const server = new RpcServer(nc, `spec-identity-${run}`);
  server.handle(Rpc.identityUsers, async ({ userIds }) => ({ users: students.filter((s) => userIds.includes(s.id)) }));
  server.handle(Rpc.identityCourse, async ({ courseId: id }) => ({ id, code: 'CS101', title: 'Computing', teacherIds: [teacher.userId], ...courseSettings }));
  return server;
}

interface Published {
  subject: EventSubject;
  data: unknown;
}

describe('report-service', () => {
  let nc: NatsConnection;
  let app: INestApplicationContext;
  let identity: RpcServer;
  let rpc: RpcClient;
  let publisher: EventPublisher;
  let db: pg.Client;
  const ready: CloudEvent<typeof EventSubjects.reportReady>[] = [];
  const updated: CloudEvent<typeof EventSubjects.reportUpdated>[] = [];
  const history: Published[] = [];

  async function publish<S extends EventSubject>(subject: S, data: EventData<S>, dedupKey: string): Promise<void> {
    history.push({ subject, data });
    await publisher.publish(subject, data, { dedupKey, about: (data as { sessionId: string }).sessionId });
  }

  async function readyFor(id: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = ready.find((e) => e.data.sessionId === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no report.ready for ${id}`);
      await sleep(25);
    }
  }

  async function count(sql: string): Promise<number> {
    const { rows } = await db.query(sql, [sessionId]);
    return Number(rows[0].n);
  }

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS report CASCADE');
    // Up, down and up again: the migrations can be reverted and re-applied.
    await migrate(reportDataSourceOptions(databaseUrl));
    // Who was erased (the latest)
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.erased_people') AS t`)).rows[0].t).toBeNull();
    // Session reopenings
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'report' AND column_name = 'reopened_at'`)).rows[0].n).toBe(0);
    // Class-start push subscriptions
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.push_subscriptions') AS t`)).rows[0].t).toBeNull();
    // Low-attendance warnings
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.warnings') AS t`)).rows[0].t).toBeNull();
    // Incomplete reports
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'report' AND column_name = 'incomplete'`)).rows[0].n).toBe(0);
    // Check-in flags
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.checkin_flags') AS t`)).rows[0].t).toBeNull();
    // Evidence retention: its column goes, and marks without evidence get neutral values back.
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'report' AND column_name = 'evidence_removed_at'`)).rows[0].n).toBe(0);
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.reports_rows_idx') AS t`)).rows[0].t).toBeNull();
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.mark_changes') AS t`)).rows[0].t).toBeNull();
    await revertLast(reportDataSourceOptions(databaseUrl));
    expect((await db.query(`SELECT to_regclass('report.marks') AS t`)).rows[0].t).toBeNull();
    await migrate(reportDataSourceOptions(databaseUrl));

    nc = await connectNats(config.NATS_URL, 'report-service-spec');
    identity = serveFakeIdentity(nc);
    rpc = new RpcClient(nc, 5_000);
    publisher = new EventPublisher(nc, '/classconnect/spec');
    subscribeEvents(nc, EventSubjects.reportReady, (e) => ready.push(e as CloudEvent<typeof EventSubjects.reportReady>));
    subscribeEvents(nc, EventSubjects.reportUpdated, (e) => updated.push(e as CloudEvent<typeof EventSubjects.reportUpdated>));

    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
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

  it('builds the report once every mark the close lists has arrived, even a mark published after the close', async () => {
    const openedAt = now();
    await publish(
      EventSubjects.sessionOpened,
      {
        sessionId,
        courseId,
        courseCode: 'MTH110',
        courseTitle: 'Calculus',
        teacherId: teacher.userId,
        openedAt,
        radiusM: 80,
        enrolledStudentIds: students.map((s) => s.id),
      },
      `opened:${sessionId}`,
    );
    const markOf = (s: UserSummary, i: number): EventData<typeof EventSubjects.markRecorded> => ({
      sessionId,
      courseId,
      studentId: s.id,
      status: 'present',
      source: 'checkin',
      submissionId: `sub-${run}-${i}`,
      distanceM: 10 + i,
      accuracyM: 5 + i,
      methods: ['passkey', 'geofence'],
      markedAt: now(),
    });
    for (const [i, s] of present.entries()) {
      await publish(
        EventSubjects.checkinVerified,
        { submissionId: `sub-${run}-${i}`, sessionId, courseId, studentId: s.id, distanceM: 10 + i, accuracyM: 5 + i, methods: ['passkey', 'geofence'], verifiedAt: now() },
        `verdict:sub-${run}-${i}`,
      );
    }
    await publish(
      EventSubjects.checkinRejected,
      { submissionId: `sub-${run}-r`, sessionId, courseId, studentId: bea.id, reason: 'OUTSIDE_GEOFENCE', message: 'You are too far from the room.', distanceM: 900, accuracyM: 20, rejectedAt: now() },
      `verdict:sub-${run}-r`,
    );
    await publish(EventSubjects.markRecorded, markOf(eve, 0), `mark:${sessionId}:${eve.id}`);
    await publish(EventSubjects.markRecorded, markOf(cat, 1), `mark:${sessionId}:${cat.id}`);
    await publish(
      EventSubjects.sessionClosed,
      { sessionId, courseId, closedAt: now(), closedBy: teacher.userId, presentStudentIds: present.map((s) => s.id) },
      `closed:${sessionId}`,
    );
    await sleep(300);
    expect(ready.find((e) => e.data.sessionId === sessionId)).toBeUndefined();
    const lateMarkAt = Date.now();
    await publish(EventSubjects.markRecorded, markOf(al, 2), `mark:${sessionId}:${al.id}`);

    const event = await readyFor(sessionId);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(lateMarkAt);
    expect(event).toMatchObject({ id: `report.ready:${sessionId}`, subject: sessionId, data: { sessionId, courseId, presentCount: 3, absentCount: 2 } });

    const report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    expect(report).toMatchObject({ sessionId, courseId, courseCode: 'MTH110', courseTitle: 'Calculus', openedAt, presentCount: 3, absentCount: 2 });
    expect(report.rows.map((r) => r.name)).toEqual(['Al Example', 'Bea Example', 'Cat Example', 'Dan Example', 'Eve Example']);
    const row = (s: UserSummary) => report.rows.find((r) => r.studentId === s.id);
    expect(row(al)).toMatchObject({ status: 'present', email: al.email, distanceM: 12, accuracyM: 7, methods: ['passkey', 'geofence'] });
    expect(row(al)?.checkedInAt).toBeDefined();
    expect(row(eve)).toMatchObject({ status: 'present', distanceM: 10 });
    expect(row(bea)).toEqual({ studentId: bea.id, name: 'Bea Example', email: bea.email, status: 'absent', lastRejection: 'OUTSIDE_GEOFENCE' });
    expect(row(dan)).toEqual({ studentId: dan.id, name: 'Dan Example', email: dan.email, status: 'absent' });
  }, 30_000);

  it('changes nothing when the same events arrive again, under the same or new dedup keys', async () => {
    const before = await rpc.request(Rpc.reportGet, { actor: admin, sessionId });
    const repeat = [...history];
    for (const [i, e] of repeat.entries()) await publisher.publish(e.subject, e.data as never, { dedupKey: `again-${run}-${i}` });
    for (const [i, e] of repeat.entries()) await publisher.publish(e.subject, e.data as never, { dedupKey: `again-${run}-${i}` });

    // A sentinel session published after the repeats: once its report is ready, the repeats were handled.
    // Its close is published before its opening, which the report must wait for.
    const sentinel = randomUUID();
    await publisher.publish(
      EventSubjects.sessionClosed,
      { sessionId: sentinel, courseId, closedAt: now(), closedBy: teacher.userId, presentStudentIds: [] },
      { dedupKey: `closed:${sentinel}` },
    );
    await sleep(200);
    await publisher.publish(
      EventSubjects.sessionOpened,
      { sessionId: sentinel, courseId, courseCode: 'MTH110', courseTitle: 'Calculus', teacherId: teacher.userId, openedAt: now(), radiusM: 80, enrolledStudentIds: [dan.id] },
      { dedupKey: `opened:${sentinel}` },
    );
    expect((await readyFor(sentinel)).data).toMatchObject({ presentCount: 0, absentCount: 1 });

    await expect(rpc.request(Rpc.reportGet, { actor: admin, sessionId })).resolves.toEqual(before);
    expect(ready.filter((e) => e.data.sessionId === sessionId)).toHaveLength(1);
    expect(await count('SELECT count(*) AS n FROM report.marks WHERE session_id = $1')).toBe(3);
    expect(await count('SELECT count(*) AS n FROM report.checkins WHERE session_id = $1')).toBe(4);
    expect(await count('SELECT count(*) AS n FROM report.reports WHERE session_id = $1')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM report.sessions WHERE session_id = $1')).toBe(1);
  }, 30_000);

  it('serves a report only to its teacher or an admin', async () => {
    await expect(rpc.request(Rpc.reportGet, { actor: admin, sessionId })).resolves.toMatchObject({ presentCount: 3 });
    await expect(rpc.request(Rpc.reportGet, { actor: { userId: al.id, role: 'student' }, sessionId })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    await expect(rpc.request(Rpc.reportGet, { actor: otherTeacher, sessionId })).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    await expect(rpc.request(Rpc.reportGet, { actor: teacher, sessionId: randomUUID() })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
    await expect(rpc.request(Rpc.reportGet, { actor: teacher, sessionId: 'not-a-uuid' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });

    const open = randomUUID();
    await publisher.publish(
      EventSubjects.sessionOpened,
      { sessionId: open, courseId, courseCode: 'MTH110', courseTitle: 'Calculus', teacherId: teacher.userId, openedAt: now(), radiusM: 80, enrolledStudentIds: [] },
      { dedupKey: `opened:${open}` },
    );
    const deadline = Date.now() + 10_000;
    let code: string | undefined;
    while (Date.now() < deadline) {
      code = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId: open }).then(
        () => 'served',
        (err: { code: string }) => err.code,
      );
      if (code !== ErrorCode.SESSION_NOT_FOUND) break;
      await sleep(50);
    }
    expect(code).toBe(ErrorCode.REPORT_NOT_READY);
  }, 30_000);

  it('updates a built report with changes by hand, keeping the check-in proof and every change', async () => {
    const change = (student: UserSummary, sequence: number, status: 'present' | 'late' | 'excused' | 'absent', previousStatus: typeof status, reason: string) =>
      publish(
        EventSubjects.markChanged,
        { sessionId, courseId, studentId: student.id, status, previousStatus, reason, changedBy: teacher.userId, changedAt: now(), sequence },
        `mark.changed:${sessionId}:${student.id}:${sequence}`,
      );
    const updateNumber = async (revision: number) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = updated.find((e) => e.data.sessionId === sessionId && e.data.revision === revision);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no report.updated revision ${revision}`);
        await sleep(25);
      }
    };
    await change(eve, 1, 'absent', 'present', 'Left after the register');
    await change(dan, 1, 'excused', 'absent', 'Medical certificate');
    // Both changes may land in one batch (one revision) or two.
    const deadline = Date.now() + 15_000;
    let report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    while (report.counts?.excused !== 1 || report.counts?.present !== 2) {
      if (Date.now() > deadline) throw new Error(`the report was not updated: ${JSON.stringify(report.counts)}`);
      await sleep(50);
      report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    }
    const revision = report.revision!;
    expect(revision).toBeGreaterThanOrEqual(1);
    expect((await updateNumber(revision)).data).toMatchObject({ presentCount: 2, absentCount: 3, counts: { present: 2, late: 0, excused: 1, absent: 2 } });
    expect(report).toMatchObject({ presentCount: 2, absentCount: 3 });
    const row = (s: UserSummary) => report.rows.find((r) => r.studentId === s.id);
    expect(row(eve)).toMatchObject({
      status: 'absent',
      checkinStatus: 'present',
      distanceM: 10,
      methods: ['passkey', 'geofence'],
      override: { status: 'absent', reason: 'Left after the register', by: teacher.userId },
    });
    expect(row(eve)?.checkedInAt).toBeDefined();
    expect(row(dan)).toMatchObject({ status: 'excused', override: { reason: 'Medical certificate' } });

    // A second change of the same student wins; the first stays in the audit table.
    await change(eve, 2, 'present', 'absent', 'She came back');
    const next = await updateNumber(revision + 1);
    expect(next.id).toBe(`report.updated:${sessionId}:${revision + 1}`);
    report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId });
    expect(row(eve)).toBeDefined();
    expect(report.rows.find((r) => r.studentId === eve.id)).toMatchObject({ status: 'present', override: { reason: 'She came back' } });
    const { rows: audit } = await db.query(
      'SELECT sequence, status, previous_status, reason, changed_by FROM report.mark_changes WHERE session_id = $1 AND student_id = $2 ORDER BY sequence',
      [sessionId, eve.id],
    );
    expect(audit).toEqual([
      { sequence: 1, status: 'absent', previous_status: 'present', reason: 'Left after the register', changed_by: teacher.userId },
      { sequence: 2, status: 'present', previous_status: 'absent', reason: 'She came back', changed_by: teacher.userId },
    ]);

    // The session's rate follows the course's excused policy as identity-service says it now:
    // 3 present, Dan excused, Bea absent.
    expect(report).toMatchObject({ counts: { present: 3, late: 0, excused: 1, absent: 1 }, rate: 3 / 4, excusedPolicy: 'exclude', timeZone: 'UTC' });
    try {
      Object.assign(courseSettings, { excusedPolicy: 'attended', timeZone: 'Europe/Paris' });
      await expect(rpc.request(Rpc.reportGet, { actor: teacher, sessionId })).resolves.toMatchObject({ rate: 4 / 5, excusedPolicy: 'attended', timeZone: 'Europe/Paris' });
      courseSettings.excusedPolicy = 'absent';
      await expect(rpc.request(Rpc.reportGet, { actor: admin, sessionId })).resolves.toMatchObject({ rate: 3 / 5, excusedPolicy: 'absent', presentCount: 3, absentCount: 2 });
    } finally {
      delete courseSettings.excusedPolicy;
      delete courseSettings.timeZone;
    }
  }, 30_000);

  it('reports a check-in late from mark.recorded.v2, whichever of v1 and v2 arrives', async () => {
    const late = randomUUID();
    await publisher.publish(
      EventSubjects.sessionOpened,
      { sessionId: late, courseId, courseCode: 'MTH110', courseTitle: 'Calculus', teacherId: teacher.userId, openedAt: now(), radiusM: 80, enrolledStudentIds: [al.id, bea.id] },
      { dedupKey: `opened:${late}` },
    );
    const fact = (s: UserSummary) => ({
      sessionId: late,
      courseId,
      studentId: s.id,
      source: 'checkin' as const,
      submissionId: `late-${s.id}`,
      distanceM: 4,
      accuracyM: 6,
      methods: ['passkey' as const, 'geofence' as const],
      markedAt: now(),
    });
    await publisher.publish(EventSubjects.markRecordedV2, { ...fact(al), status: 'late' }, { dedupKey: `mark.v2:${late}:${al.id}` });
    await publisher.publish(EventSubjects.markRecorded, { ...fact(al), status: 'present' }, { dedupKey: `mark:${late}:${al.id}` });
    // v1 first, then v2 (a v2 retried later): v2 still sets the status.
    await publisher.publish(EventSubjects.markRecorded, { ...fact(bea), status: 'present' }, { dedupKey: `mark:${late}:${bea.id}` });
    await sleep(200);
    await publisher.publish(EventSubjects.markRecordedV2, { ...fact(bea), status: 'late' }, { dedupKey: `mark.v2:${late}:${bea.id}` });
    await publisher.publish(
      EventSubjects.sessionClosed,
      { sessionId: late, courseId, closedAt: now(), closedBy: '00000000-0000-0000-0000-000000000000', presentStudentIds: [al.id, bea.id], closeReason: 'max-length' },
      { dedupKey: `closed:${late}` },
    );
    expect((await readyFor(late)).data).toMatchObject({ presentCount: 2, absentCount: 0 });
    const report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId: late });
    expect(report.counts).toEqual({ present: 0, late: 2, excused: 0, absent: 0 });
    expect(report.rows.map((r) => r.status)).toEqual(['late', 'late']);
  }, 30_000);

  it('takes a reopened session back to live (no report), ignores the undone close redelivered, and builds the report again at the next close', async () => {
    const id = randomUUID();
    const markOf = (st: UserSummary, i: number): EventData<typeof EventSubjects.markRecordedV2> => ({
      sessionId: id, courseId, studentId: st.id, status: 'present', source: 'checkin', submissionId: `reopen-${run}-${i}`,
      distanceM: 8, accuracyM: 6, methods: ['passkey', 'geofence'], markedAt: now(),
    });
    await publish(
      EventSubjects.sessionOpened,
      { sessionId: id, courseId, courseCode: 'MTH110', courseTitle: 'Calculus', teacherId: teacher.userId, openedAt: now(), radiusM: 80, enrolledStudentIds: students.map((st) => st.id) },
      `opened:${id}`,
    );
    await publish(EventSubjects.markRecordedV2, markOf(eve, 0), `mark.v2:${id}:${eve.id}`);
    const firstClose: EventData<typeof EventSubjects.sessionClosed> = { sessionId: id, courseId, closedAt: now(), closedBy: teacher.userId, presentStudentIds: [eve.id] };
    await publish(EventSubjects.sessionClosed, firstClose, `session.closed:${id}`);
    expect((await readyFor(id)).data).toMatchObject({ presentCount: 1, absentCount: 4 });
    await expect(rpc.request(Rpc.reportGet, { actor: teacher, sessionId: id })).resolves.toMatchObject({ presentCount: 1 });

    await sleep(5);
    await publish(
      EventSubjects.sessionReopened,
      { sessionId: id, courseId, reopenedAt: now(), reopenedBy: teacher.userId, previousClosedAt: firstClose.closedAt, reopenCount: 1 },
      `session.reopened:${id}:1`,
    );
    const notReady = async () => rpc.request(Rpc.reportGet, { actor: teacher, sessionId: id }).then(() => false, (err: { code?: string }) => err.code === ErrorCode.REPORT_NOT_READY);
    for (let i = 0; i < 200 && !(await notReady()); i++) await sleep(25);
    await expect(rpc.request(Rpc.reportGet, { actor: teacher, sessionId: id })).rejects.toMatchObject({ code: ErrorCode.REPORT_NOT_READY });
    expect((await db.query('SELECT closed_at, reopens FROM report.sessions WHERE session_id = $1', [id])).rows[0]).toEqual({ closed_at: null, reopens: 1 });

    // The undone close delivered again (a redelivery, or a retried publish): the session stays live.
    await publisher.publish(EventSubjects.sessionClosed, firstClose, { dedupKey: `again-closed-${id}` });
    await publish(EventSubjects.markRecordedV2, markOf(dan, 1), `mark.v2:${id}:${dan.id}`);
    const secondClose: EventData<typeof EventSubjects.sessionClosed> = { sessionId: id, courseId, closedAt: now(), closedBy: teacher.userId, presentStudentIds: [eve.id, dan.id] };
    await publish(EventSubjects.sessionClosed, secondClose, `session.closed:${id}:r1`);
    const second = await (async () => {
      for (let i = 0; i < 600; i++) {
        const found = ready.find((e) => e.data.sessionId === id && e.id === `report.ready:${id}:r1`);
        if (found) return found;
        await sleep(25);
      }
      throw new Error('no second report.ready');
    })();
    expect(second.data).toMatchObject({ presentCount: 2, absentCount: 3 });
    const report = await rpc.request(Rpc.reportGet, { actor: teacher, sessionId: id });
    expect(report).toMatchObject({ closedAt: secondClose.closedAt, presentCount: 2, absentCount: 3, revision: 0 });
    expect(report.rows.filter((r) => r.status === 'present').map((r) => r.studentId).sort()).toEqual([eve.id, dan.id].sort());
  }, 60_000);
});
