/**
 * A person's data, end to end (GDPR Art. 15, 17, 20). A student with a passkey, two sessions (a
 * check-in flagged for an identical position, then a hand mark with a reason), a class-start push
 * subscription, and a webhook endpoint listening for erasures. Their export is parsed back and holds
 * every kind of record; then an admin erases them. Afterwards no Postgres schema, Redis, stream or
 * service log holds their name or email; the reports say "Erased student" with the same counts; a
 * stream subscriber and the webhook receiver got `directory.account.erased.v1`; and a second erase
 * changes nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import pg from 'pg';
import webpush from 'web-push';
import { ClientEvents, ErrorCode, EventSubjects, ServerEvents, Streams, type PersonDataExport, type Position, type ReportReply } from '@classconnect/contracts';
import { EventLog, connectSocket, offsetNorth, request, requestOk, seatClass, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';
import { Device } from './support/push-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const room: Position = { latitude: 52.2053, longitude: 0.1218, accuracy: 8 };

describe('erasing a person reaches every copy; their export holds everything', () => {
  let sys: TestSystem;
  let seated: Classroom;
  let admin: Socket;
  let db: pg.Client;
  let pushServer: Server;
  const receiver = new WebhookReceiver();
  const vapid = webpush.generateVAPIDKeys();
  let target: { id: string; name: string; email: string; password: string };
  let originalName: string;
  let exported: PersonDataExport;
  let exportedByAdmin: PersonDataExport;
  const sessions: string[] = [];
  const countsBefore = new Map<string, { present: number; absent: number }>();

  const download = async (path: string, token: string) => {
    const res = await fetch(`${sys.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const report = (sessionId: string) => requestOk(seated.teacher, ClientEvents.reportGet, { sessionId }) as Promise<ReportReply>;

  /** Every place that could hold a copy, read whole, with the first mention of the name or email found in each. */
  async function mentions(): Promise<string[]> {
    const needles = [target.name.toLowerCase(), target.email.toLowerCase()];
    const found: string[] = [];
    const look = (where: string, text: string) => {
      const lower = text.toLowerCase();
      for (const n of needles) if (lower.includes(n)) found.push(`${where}: …${text.slice(Math.max(0, lower.indexOf(n) - 80), lower.indexOf(n) + 40)}…`);
    };
    const tables = await db.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const { table_schema, table_name } of tables.rows) {
      const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_schema}"."${table_name}" t`);
      for (const { row } of rows.rows) look(`${table_schema}.${table_name}`, row);
    }
    const redis = new Redis(sys.env.REDIS_URL!);
    try {
      for (const key of await redis.keys('*')) {
        const type = await redis.type(key);
        const value =
          type === 'hash' ? JSON.stringify(await redis.hgetall(key))
          : type === 'string' ? ((await redis.get(key)) ?? '')
          : type === 'set' ? JSON.stringify(await redis.smembers(key))
          : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1'))
          : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
          : '';
        look(`redis ${key}`, `${key} ${value}`);
      }
    } finally {
      redis.disconnect();
    }
    const nc = await connect({ servers: sys.env.NATS_URL! });
    try {
      const jsm = await jetstreamManager(nc);
      for (const stream of Object.values(Streams)) {
        const info = await jsm.streams.info(stream.name);
        for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
          const msg = await jsm.streams.getMessage(stream.name, { seq }).catch(() => null); // erased messages leave gaps
          if (msg) look(`stream ${stream.name} #${seq} ${msg.subject}`, new TextDecoder().decode(msg.data));
        }
      }
    } finally {
      await nc.close();
    }
    return found;
  }

  function serviceLogs(): string {
    return readdirSync(sys.logDir)
      .filter((f) => f.endsWith('.log') && !['nats.log', 'redis.log', 'postgres.log'].includes(f))
      .map((f) => readFileSync(join(sys.logDir, f), 'utf8'))
      .join('\n');
  }

  beforeAll(async () => {
    await receiver.start();
    pushServer = createServer((req, res) => {
      req.resume();
      req.on('end', () => ((res.statusCode = 201), res.end()));
    });
    await new Promise<void>((resolve) => pushServer.listen(0, '127.0.0.1', resolve));
    const pushOrigin = `http://127.0.0.1:${(pushServer.address() as AddressInfo).port}`;
    sys = await startTestSystem({
      env: {
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
        VAPID_SUBJECT: 'mailto:it@uni.test',
        PUSH_SERVICE_HOSTS: new URL(pushOrigin).host,
        PUSH_ALLOW_HTTP: 'true',
      },
    });
    seated = await seatClass(sys, 3);
    target = seated.cls.students[0]!;
    await seedDemoAdmin(sys);
    admin = await connectSocket(sys.gatewayUrl, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    // A name nobody else in the demo data has (generated names repeat), given by a rename: the name the
    // account was created with is in the audit log and the stream too, and must go as well.
    const renamed = await requestOk(admin, ClientEvents.userUpdate, { targetUserId: target.id, name: 'Philippa Quillfeather-Nakamura' });
    originalName = target.name;
    target = { ...target, name: renamed.name };
    await requestOk(admin, ClientEvents.webhookCreate, { url: `${receiver.url}/erasures`, eventTypes: [EventSubjects.accountErased], description: 'the student information system' });
    db = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await db.connect();

    const [student, twin, third] = seated.students;
    await requestOk(student!.socket, ClientEvents.pushSubscribe, { subscription: new Device(`${pushOrigin}/push/target`).subscription });
    const ready = new EventLog(seated.teacher, ServerEvents.reportReady);

    // Session 1: everyone checks in; the target and their twin report exactly the same coordinates (both flagged).
    const first = await requestOk(seated.teacher, ClientEvents.sessionStart, { courseId: seated.cls.courseId, position: room, radiusM: 60 });
    sessions.push(first.sessionId);
    const same = offsetNorth(room, 10);
    for (const [s, position] of [[student!, same], [twin!, same], [third!, offsetNorth(room, 25)]] as const) {
      const begin = await requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: first.sessionId });
      const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
      const ack = await requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: first.sessionId, assertion, position, idempotencyKey: randomUUID() });
      await s.results.waitFor((r) => r.submissionId === ack.submissionId);
    }
    await requestOk(seated.teacher, ClientEvents.sessionStop, { sessionId: first.sessionId });
    await ready.waitFor((r) => r.sessionId === first.sessionId);

    // Session 2: the target is absent, then excused by hand with a reason.
    const second = await requestOk(seated.teacher, ClientEvents.sessionStart, { courseId: seated.cls.courseId, position: room, radiusM: 60 });
    sessions.push(second.sessionId);
    await requestOk(seated.teacher, ClientEvents.sessionStop, { sessionId: second.sessionId });
    await ready.waitFor((r) => r.sessionId === second.sessionId);
    await requestOk(seated.teacher, ClientEvents.attendanceMark, { sessionId: second.sessionId, targetStudentId: target.id, status: 'excused', reason: 'Medical certificate shown' });

    // The hand mark reaches the report (and the export) through the stream: wait until it has.
    for (let i = 0; i < 100 && (await report(second.sessionId)).rows.find((r) => r.studentId === target.id)?.status !== 'excused'; i++) await new Promise((r) => setTimeout(r, 100));
    const token = await sys.signIn(target.email, target.password);
    const mine = await download('/api/me/data.json', token);
    expect(mine.status).toBe(200);
    exported = mine.body as PersonDataExport;
    const theirs = await download(`/api/users/${target.id}/data.json`, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    expect(theirs.status).toBe(200);
    exportedByAdmin = theirs.body as PersonDataExport;
    for (const id of sessions) {
      const r = await report(id);
      countsBefore.set(id, { present: r.presentCount, absent: r.absentCount });
    }
  });

  afterAll(async () => {
    admin?.close();
    seated?.close();
    await db?.end();
    await sys?.stop();
    await receiver.stop();
    await new Promise((resolve) => pushServer?.close(resolve));
  });

  describe('the export, before the erasure', () => {
    it('holds every kind of record: account, sign-ins, passkeys, device, courses, attendance with evidence, flags, hand marks, push, audit', () => {
      expect(exported.format).toBe('classconnect.person-data.v1');
      expect(exported.account).toMatchObject({ id: target.id, email: target.email, name: target.name, role: 'student', erasedAt: null });
      expect(exported.signIns.length).toBeGreaterThanOrEqual(1);
      expect(exported.passkeys).toEqual([expect.objectContaining({ id: expect.any(String), deviceName: 'Test phone' })]);
      expect(exported.deviceBoundAt).toEqual(expect.any(String));
      expect(exported.enrollments).toEqual([expect.objectContaining({ courseId: seated.cls.courseId, courseCode: seated.cls.courseCode })]);
      expect(exported.attendance.map((a) => [a.sessionId, a.status]).sort()).toEqual(
        [
          [sessions[0], 'present'],
          [sessions[1], 'excused'],
        ].sort(),
      );
      const present = exported.attendance.find((a) => a.sessionId === sessions[0])!;
      expect(present.distanceM).toBeGreaterThan(5);
      expect(present.methods.length).toBeGreaterThan(0);
      expect(exported.checkins).toEqual([expect.objectContaining({ sessionId: sessions[0], verdict: 'accepted' })]);
      expect(exported.flags).toEqual([expect.objectContaining({ sessionId: sessions[0], code: 'IDENTICAL_POSITION' })]);
      expect(exported.handMarks).toEqual([expect.objectContaining({ sessionId: sessions[1], status: 'excused', reason: 'Medical certificate shown' })]);
      expect(exported.pushSubscriptions).toEqual([expect.objectContaining({ pushService: expect.stringMatching(/^127\.0\.0\.1/) })]);
      expect(exported.auditEntries.some((e) => e.relation === 'about')).toBe(true);
      expect(exported.webhookEndpoints).toEqual([]);
    });

    it('never holds a key, a hash or a token', () => {
      const text = JSON.stringify(exported);
      expect(text).not.toMatch(/publicKey|public_key|password_?hash|refresh|p256dh|"auth"|secret/i);
    });

    it('is the same for the admin who asks for it, and refused to another student', async () => {
      expect({ ...exportedByAdmin, generatedAt: '' }).toEqual({ ...exported, generatedAt: '' });
      const other = seated.cls.students[1]!;
      const refused = await download(`/api/users/${target.id}/data.json`, await sys.signIn(other.email, other.password));
      expect(refused.status).toBe(403);
    });
  });

  describe('the erasure', () => {
    let first: Awaited<ReturnType<typeof request<typeof ClientEvents.userErase>>>;
    let revoked: Promise<unknown>;
    let mentionsBefore: string[] = [];

    beforeAll(async () => {
      mentionsBefore = await mentions();
      const student = seated.students[0]!;
      revoked = new Promise((resolve) => student.socket.once(ServerEvents.authRevoked, resolve));
      const wrong = await request(admin, ClientEvents.userErase, { targetUserId: target.id, confirmEmail: 'someone.else@uni.test' });
      expect(wrong).toMatchObject({ ok: false, error: { code: ErrorCode.CONFIRMATION_MISMATCH } });
      first = await request(admin, ClientEvents.userErase, { targetUserId: target.id, confirmEmail: target.email.toUpperCase() });
      // Each service does its part from the event: wait until nothing mentions them any more (or give up and let the tests show where).
      for (let i = 0; i < 60 && (await mentions()).length > 0; i++) await new Promise((r) => setTimeout(r, 500));
    });

    it('answers with what it did', () => {
      expect(first).toEqual({ ok: true, data: { userId: target.id, erasedAt: expect.any(String), alreadyErased: false, attendance: 'pseudonymised' } });
    });

    it('ends the person’s sockets and sign-ins: they can no longer sign in', async () => {
      await expect(revoked).resolves.toBeDefined();
      await expect(sys.signIn(target.email, target.password)).rejects.toThrow();
    });

    it('leaves their name and email in no Postgres table, Redis key or stream', async () => {
      // Before, the same search found them in the account, the audit log, the reports, the roster copy and the stream:
      // proof that it looks where copies are.
      for (const place of ['identity.users', 'identity.audit_log', 'report.reports', 'redis cc:session:', 'stream DIRECTORY']) {
        expect(mentionsBefore.some((m) => m.startsWith(place))).toBe(true);
      }
      expect(await mentions()).toEqual([]);
    });

    it('leaves the name the account was created with in none of the audit entries about them', async () => {
      const rows = await db.query<{ row: string }>('SELECT a::text AS row FROM identity.audit_log a WHERE target_id = $1 OR strpos(details::text, $1) > 0', [target.id]);
      expect(rows.rowCount).toBeGreaterThan(1); // created, renamed, marked, erased…
      for (const { row } of rows.rows) expect(row.toLowerCase()).not.toContain(originalName.toLowerCase());
    });

    it('leaves them in no service log', () => {
      const logs = serviceLogs();
      expect(logs).toMatch(/account erased/);
      expect(logs.toLowerCase()).not.toContain(target.email.toLowerCase());
      expect(logs.toLowerCase()).not.toContain(target.name.toLowerCase());
    });

    it('removes passkeys, the device binding and push subscriptions', async () => {
      const count = async (sql: string) => Number((await db.query<{ n: string }>(sql, [target.id])).rows[0]!.n);
      expect(await count('SELECT count(*) AS n FROM verification.credentials WHERE user_id = $1')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM verification.device_bindings WHERE user_id = $1')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM report.push_subscriptions WHERE user_id = $1')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM identity.sign_ins WHERE user_id = $1')).toBe(0);
    });

    it('shows "Erased student" in the reports, with the same counts', async () => {
      for (const id of sessions) {
        const r = await report(id);
        expect({ present: r.presentCount, absent: r.absentCount }).toEqual(countsBefore.get(id));
        const row = r.rows.find((x) => x.studentId === target.id)!;
        expect(row).toMatchObject({ name: 'Erased student', email: '' });
      }
    });

    it('tells subscribers: the event is on the stream and the webhook receiver got it', async () => {
      const nc: NatsConnection = await connect({ servers: sys.env.NATS_URL! });
      try {
        const consumer = await jetstream(nc).consumers.get(Streams.directory.name, { filter_subjects: EventSubjects.accountErased, deliver_policy: DeliverPolicy.All });
        const msg = await consumer.next({ expires: 5_000 });
        expect(msg?.json()).toMatchObject({ type: `edu.classconnect.${EventSubjects.accountErased}`, data: { userId: target.id, attendance: 'pseudonymised' } });
      } finally {
        await nc.close();
      }
      const [call] = await receiver.waitFor('/erasures', 1);
      expect(JSON.parse(call!.body)).toMatchObject({ type: `edu.classconnect.${EventSubjects.accountErased}`, data: { userId: target.id } });
    });

    it('a second erase changes nothing', async () => {
      const snapshot = async () => ({
        reports: await Promise.all(sessions.map(async (id) => (await report(id)).rows)),
        users: (await db.query('SELECT id, email, name, erased_at FROM identity.users WHERE id = $1', [target.id])).rows,
        audit: Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM identity.audit_log')).rows[0]!.n),
      });
      const before = await snapshot();
      const again = await request(admin, ClientEvents.userErase, { targetUserId: target.id, confirmEmail: target.email });
      expect(again).toMatchObject({ ok: true, data: { alreadyErased: true, erasedAt: first.ok ? first.data.erasedAt : '' } });
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await snapshot()).toEqual(before);
    });

    it('leaves an export that says so: the pseudonym, no passkeys or sign-ins, attendance kept', async () => {
      const after = (await download(`/api/users/${target.id}/data.json`, await sys.signIn(DemoAdmin.email, DemoAdmin.password))).body as PersonDataExport;
      expect(after.account).toMatchObject({ name: 'Erased student', email: '', erasedAt: expect.any(String), disabled: true });
      expect(after.passkeys).toEqual([]);
      expect(after.signIns).toEqual([]);
      expect(after.pushSubscriptions).toEqual([]);
      expect(after.attendance).toHaveLength(2);
    });
  });
});
