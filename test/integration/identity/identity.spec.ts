import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TokenService } from '@classconnect/auth';
import { SystemClock, loadConfig } from '@classconnect/config';
import { DomainError, ErrorCode, EventSubjects, Rpc, Streams } from '@classconnect/contracts';
import { jetstream } from '@nats-io/jetstream';
import { RpcClient, connectNats, subscriptionsRegistered, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { ensureDatabase, revertLast } from '@classconnect/persistence';
import { AppModule } from '../../../apps/identity-service/src/app.module.js';
import { loadIdentityConfig } from '../../../apps/identity-service/src/config.js';
import { IdentityMigrations, identityDataSourceOptions, migrateIdentity, openIdentityDataSource } from '../../../apps/identity-service/src/infrastructure/identity-database.js';
import { runCli } from '../../../apps/identity-service/src/provisioning/cli-commands.js';
import { PostgresErasureStore } from '../../../apps/identity-service/src/privacy/erasure.repository.js';
import { AccountRetentionSweep, ErasureService } from '../../../apps/identity-service/src/privacy/erasure.service.js';
import { RecordedEvents } from '../../../apps/identity-service/src/sign-in/testing/fakes.js';
import { DemoPasswords, demoStudentEmail } from '../../../apps/identity-service/src/provisioning/demo-university.js';
import type { TestClass } from '../../../apps/identity-service/src/provisioning/test-class.js';

const Secret = `identity-spec-secret-${randomUUID()}`;
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
  url.pathname = '/classconnect_it_identity';
  return url.toString();
})();
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, AUTH_TOKEN_SECRET: Secret };
const compiledCli = resolve(import.meta.dirname, '../../../dist/apps/identity-service/src/cli.js');

/** Runs a CLI command in-process, as `node dist/apps/identity-service/src/cli.js …` would. */
async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function failureOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('identity-service against real Postgres and NATS', () => {
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let db: DataSource;
  let klass: TestClass;

  beforeAll(async () => {
    // A fresh schema every run: migrate up, down, and up again, so both directions are exercised.
    await ensureDatabase(databaseUrl);
    db = await openIdentityDataSource(databaseUrl, 2);
    await db.query('DROP SCHEMA IF EXISTS identity CASCADE');
    // Every migration up, every one down (newest first), and every one up again.
    const all = IdentityMigrations.map((m) => m.name);
    await expect(migrateIdentity(databaseUrl)).resolves.toEqual(all);
    for (let i = 0; i < all.length; i++) await revertLast(identityDataSourceOptions(databaseUrl));
    await expect(migrateIdentity(databaseUrl)).resolves.toEqual(all);

    const seeded = await cli('seed-demo');
    expect(seeded.code).toBe(0);
    const created = await cli('create-class', '--students', '25');
    expect(created.code).toBe(0);
    expect(created.out).toHaveLength(1);
    klass = JSON.parse(created.out[0]!) as TestClass;

    app = await NestFactory.createApplicationContext(AppModule.forRoot(loadIdentityConfig(env)), { logger: ['error', 'warn'] });
    await app.init();
    await subscriptionsRegistered(app);
    nc = await connectNats(env.NATS_URL ?? 'nats://127.0.0.1:4222', 'identity-spec-client');
    rpc = new RpcClient(nc, 5_000);
  });

  afterAll(async () => {
    await app?.close();
    await nc?.drain();
    await db?.destroy();
  });

  describe('create-class', () => {
    it('prints one line of JSON describing a teacher, a course and the students, all sharing one password', () => {
      expect(klass).toEqual({
        courseId: expect.any(String),
        courseCode: expect.any(String),
        teacher: { id: expect.any(String), email: expect.any(String), password: expect.any(String) },
        students: expect.any(Array),
      });
      expect(klass.students).toHaveLength(25);
      for (const s of klass.students) {
        expect(Object.keys(s).sort()).toEqual(['email', 'id', 'name', 'password']);
        expect(s.password).toBe(klass.teacher.password);
      }
      expect(new Set(klass.students.map((s) => s.email)).size).toBe(25);
    });

    it('never collides with an earlier run', async () => {
      const again = await cli('create-class', '--students', '2');
      expect(again.code).toBe(0);
      const other = JSON.parse(again.out[0]!) as TestClass;
      expect(other.courseCode).not.toBe(klass.courseCode);
      expect(other.students.map((s) => s.email)).not.toContain(klass.students[0]!.email);
    });

    // Runs when `npm run build` has been run: checks that stdout really carries nothing but the JSON line.
    (existsSync(compiledCli) ? it : it.skip)('as the compiled CLI, writes only its JSON line to stdout', async () => {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [compiledCli, 'create-class', '--students', '3'], {
        env: { ...env, LOG_LEVEL: 'info' },
      });
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const printed = JSON.parse(lines[0]!) as TestClass;
      expect(printed.students).toHaveLength(3);
      expect(stderr).toMatch(/Created .+ with 3 students/);
    });

    it('refuses a missing or bad --students without printing anything', async () => {
      for (const args of [[], ['--students', '0'], ['--students', 'many']]) {
        const run = await cli('create-class', ...args);
        expect(run.code).toBe(64);
        expect(run.out).toEqual([]);
        expect(run.err.join('\n')).toMatch(/students/);
      }
    });
  });

  describe(Rpc.identitySignIn, () => {
    it('signs a student in and issues a token the gateway can verify', async () => {
      const student = klass.students[3]!;
      const reply = await rpc.request(Rpc.identitySignIn, { email: student.email, password: student.password });
      expect(reply.user).toEqual({ id: student.id, email: student.email, name: student.name, role: 'student' });
      const claims = await new TokenService(Secret).verify(reply.accessToken);
      expect(claims).toMatchObject({ userId: student.id, role: 'student', email: student.email, name: student.name, sid: reply.signInId });
      expect(Date.parse(reply.expiresAt)).toBeGreaterThan(Date.now() + 14 * 60_000);
    });

    it('accepts the email in any letter case', async () => {
      const reply = await rpc.request(Rpc.identitySignIn, { email: 'Ada.Teacher@Demo.ClassConnect.test', password: DemoPasswords.teacher });
      expect(reply.user).toMatchObject({ email: 'ada.teacher@demo.classconnect.test', role: 'teacher', name: 'Ada Lovelace' });
    });

    it('gives a wrong password, an unknown email and a disabled account the same error', async () => {
      const student = klass.students[0]!;
      await db.query('UPDATE identity.users SET disabled = true WHERE id = $1', [klass.students[1]!.id]);
      const wrong = await failureOf(rpc.request(Rpc.identitySignIn, { email: student.email, password: 'not-the-password' }));
      const unknown = await failureOf(rpc.request(Rpc.identitySignIn, { email: `nobody-${randomUUID()}@uni.test`, password: 'whatever' }));
      const disabled = await failureOf(rpc.request(Rpc.identitySignIn, { email: klass.students[1]!.email, password: student.password }));
      expect(wrong.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      expect(unknown.toBody()).toEqual(wrong.toBody());
      expect(disabled.toBody()).toEqual(wrong.toBody());
    });

    it('rejects a malformed request with VALIDATION_FAILED', async () => {
      const error = await failureOf(rpc.request(Rpc.identitySignIn, { email: 'not-an-email', password: 'x' }));
      expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
    });
  });

  describe(Rpc.identityCoursesOf, () => {
    it("lists the courses a teacher teaches and a student is enrolled in, each with the user's relation", async () => {
      const ada = await rpc.request(Rpc.identitySignIn, { email: 'ada.teacher@demo.classconnect.test', password: DemoPasswords.teacher });
      const adaCourses = await rpc.request(Rpc.identityCoursesOf, { userId: ada.user.id });
      expect(adaCourses.courses.map((c) => [c.code, c.relation])).toEqual([
        ['CS101', 'teacher'],
        ['MA201', 'teacher'],
      ]);

      const student = await rpc.request(Rpc.identitySignIn, { email: demoStudentEmail(25), password: DemoPasswords.student });
      const studentCourses = await rpc.request(Rpc.identityCoursesOf, { userId: student.user.id });
      expect(studentCourses.courses.map((c) => [c.code, c.relation])).toEqual([
        ['CS101', 'student'],
        ['MA201', 'student'],
        ['PH110', 'student'],
      ]);
      expect(studentCourses.courses[0]).toEqual({
        id: expect.any(String),
        code: 'CS101',
        title: 'Introduction to Computing',
        relation: 'student',
        timeZone: expect.any(String),
        excusedPolicy: 'exclude',
      });
    });

    it('returns no courses for someone in none', async () => {
      await expect(rpc.request(Rpc.identityCoursesOf, { userId: randomUUID() })).resolves.toEqual({ courses: [] });
    });
  });

  describe(Rpc.identityCourse, () => {
    it('returns the course with its teachers, or COURSE_NOT_FOUND', async () => {
      await expect(rpc.request(Rpc.identityCourse, { courseId: klass.courseId })).resolves.toEqual({
        id: klass.courseId,
        code: klass.courseCode,
        title: expect.any(String),
        timeZone: expect.any(String),
        excusedPolicy: 'exclude',
        teacherIds: [klass.teacher.id],
      });
      const missing = await failureOf(rpc.request(Rpc.identityCourse, { courseId: randomUUID() }));
      expect(missing.code).toBe(ErrorCode.COURSE_NOT_FOUND);
    });
  });

  describe('a course’s time zone and excused policy', () => {
    const admin = { userId: randomUUID(), role: 'admin' as const };
    const settingsOf = async (courseId: string) =>
      ((await db.query('SELECT time_zone, excused_policy FROM identity.courses WHERE id = $1', [courseId])) as { time_zone: string; excused_policy: string }[])[0];

    it('migrates: courses that exist take DEFAULT_TIME_ZONE and `exclude`; a bad DEFAULT_TIME_ZONE stops the migration; down removes both', async () => {
      const before = process.env['DEFAULT_TIME_ZONE'];
      try {
        await revertLast(identityDataSourceOptions(databaseUrl));
        const columns = async () =>
          ((await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'identity' AND table_name = 'courses'`)) as { column_name: string }[]).map((c) => c.column_name);
        expect(await columns()).not.toEqual(expect.arrayContaining(['time_zone']));
        process.env['DEFAULT_TIME_ZONE'] = 'Mars/Olympus';
        await expect(migrateIdentity(databaseUrl)).rejects.toThrow(/DEFAULT_TIME_ZONE "Mars\/Olympus" is not an IANA time zone/);
        expect(await columns()).not.toEqual(expect.arrayContaining(['time_zone']));
        process.env['DEFAULT_TIME_ZONE'] = 'europe/paris';
        await expect(migrateIdentity(databaseUrl)).resolves.toEqual(['CourseSettings1796800000000']);
        await expect(settingsOf(klass.courseId)).resolves.toEqual({ time_zone: 'Europe/Paris', excused_policy: 'exclude' });
        // The column takes only the three policies.
        await expect(db.query(`UPDATE identity.courses SET excused_policy = 'sometimes' WHERE id = $1`, [klass.courseId])).rejects.toThrow(/check constraint/);
      } finally {
        if (before === undefined) delete process.env['DEFAULT_TIME_ZONE'];
        else process.env['DEFAULT_TIME_ZONE'] = before;
      }
    });

    it('is changed by an admin, read back by other services, published on DIRECTORY; a bad zone changes nothing', async () => {
      const bad = await failureOf(rpc.request(Rpc.identityCourseUpdate, { actor: admin, courseId: klass.courseId, timeZone: 'Mars/Olympus' } as never));
      expect(bad.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(bad.message).toMatch(/timeZone must be an IANA time zone name/);
      await expect(settingsOf(klass.courseId)).resolves.toEqual({ time_zone: 'Europe/Paris', excused_policy: 'exclude' });

      const changed = await rpc.request(Rpc.identityCourseUpdate, { actor: admin, courseId: klass.courseId, timeZone: 'America/Toronto', excusedPolicy: 'attended' });
      expect(changed).toMatchObject({ id: klass.courseId, timeZone: 'America/Toronto', excusedPolicy: 'attended', studentCount: 25 });
      await expect(rpc.request(Rpc.identityCourse, { courseId: klass.courseId })).resolves.toMatchObject({ timeZone: 'America/Toronto', excusedPolicy: 'attended' });
      const consumer = await jetstream(nc).consumers.get(Streams.directory.name, { filter_subjects: EventSubjects.courseChanged });
      const ofCourse: Record<string, unknown>[] = [];
      for await (const m of await consumer.fetch({ max_messages: 1_000, expires: 2_000 })) {
        const data = decodeEvent(m.data).data as Record<string, unknown>;
        if (data.courseId === klass.courseId) ofCourse.push(data);
      }
      expect(ofCourse.at(-1)).toMatchObject({ change: 'updated', timeZone: 'America/Toronto', excusedPolicy: 'attended', changedBy: admin.userId });

      const created = await rpc.request(Rpc.identityCourseCreate, { actor: admin, code: `TZ-${randomUUID().slice(0, 8)}`, title: 'Zones', term: 'Spring' });
      // A new course without a choice: the deployment's DEFAULT_TIME_ZONE (UTC in this spec) and excused sessions left out.
      expect(created).toMatchObject({ timeZone: 'UTC', excusedPolicy: 'exclude' });
    });
  });

  describe(Rpc.identityRoster, () => {
    it('lists every enrolled student with name and email, sorted by name', async () => {
      const roster = await rpc.request(Rpc.identityRoster, { courseId: klass.courseId });
      expect(roster.courseId).toBe(klass.courseId);
      expect(roster.students).toHaveLength(25);
      const expected = klass.students
        .map(({ id, name, email }) => ({ id, name, email }))
        .sort((a, b) => (a.name === b.name ? 0 : a.name < b.name ? -1 : 1));
      expect(roster.students.map((s) => s.name)).toEqual(expected.map((s) => s.name));
      expect(new Set(roster.students.map((s) => s.id))).toEqual(new Set(expected.map((s) => s.id)));
      expect(roster.students[0]).toEqual(expected[0]);
    });

    it('answers COURSE_NOT_FOUND for a course that does not exist', async () => {
      const missing = await failureOf(rpc.request(Rpc.identityRoster, { courseId: randomUUID() }));
      expect(missing.code).toBe(ErrorCode.COURSE_NOT_FOUND);
    });
  });

  describe(Rpc.identityUsers, () => {
    it('looks up many users at once and leaves unknown ids out', async () => {
      const wanted = klass.students.slice(0, 3);
      const reply = await rpc.request(Rpc.identityUsers, { userIds: [...wanted.map((s) => s.id), randomUUID(), klass.teacher.id] });
      const byId = new Map(reply.users.map((u) => [u.id, u]));
      expect(reply.users).toHaveLength(4);
      for (const s of wanted) expect(byId.get(s.id)).toEqual({ id: s.id, email: s.email, name: s.name, role: 'student' });
      expect(byId.get(klass.teacher.id)).toMatchObject({ email: klass.teacher.email, role: 'teacher' });
    });

    it('answers an empty list with no users', async () => {
      await expect(rpc.request(Rpc.identityUsers, { userIds: [] })).resolves.toEqual({ users: [] });
    });
  });

  describe('rooms, enrollments and roster import', () => {
    const teacherActor = () => ({ userId: klass.teacher.id, role: 'teacher' as const });
    const adminActor = { userId: randomUUID(), role: 'admin' as const };

    it('keeps rooms and answers cc.identity.room.v1 with the place and default radius', async () => {
      const room = await rpc.request(Rpc.identityRoomCreate, { actor: adminActor, name: `Amphi ${randomUUID().slice(0, 8)}`, latitude: 48.85, longitude: 2.35, defaultRadiusM: 35 });
      await expect(rpc.request(Rpc.identityRoom, { roomId: room.id })).resolves.toEqual(room);
      expect((await failureOf(rpc.request(Rpc.identityRoomCreate, { actor: teacherActor(), name: 'Mine', latitude: 1, longitude: 1, defaultRadiusM: 50 }))).code).toBe(ErrorCode.FORBIDDEN);
      expect((await failureOf(rpc.request(Rpc.identityRoom, { roomId: randomUUID() }))).code).toBe(ErrorCode.ROOM_NOT_FOUND);
    });

    it('commits an import in one go, publishes one enrollment event per change, and creates accounts nobody can sign in to with a password', async () => {
      const tag = randomUUID().slice(0, 8);
      const csv = ['email;name', ...Array.from({ length: 30 }, (_, i) => `it-${tag}-${i}@uni.example;Imported ${i}`), `${klass.students[0]!.email};Already There`].join('\n');
      const reply = await rpc.request(Rpc.identityRosterImport, { actor: teacherActor(), csv, mode: 'commit', courseId: klass.courseId }, { timeoutMs: 30_000 });
      expect(reply.summary).toEqual({ lines: 31, accountsCreated: 30, enrolled: 30, alreadyEnrolled: 1, removed: 0, errorLines: 0 });

      const rows: { password_hash: string | null }[] = await db.query('SELECT password_hash FROM identity.users WHERE email LIKE $1', [`it-${tag}-%`]);
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.password_hash === null)).toBe(true);
      for (const password of ['x', 'null', '!']) {
        const failed = await failureOf(rpc.request(Rpc.identitySignIn, { email: `it-${tag}-0@uni.example`, password }));
        expect(failed.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      }

      const consumer = await jetstream(nc).consumers.get(Streams.directory.name, { filter_subjects: EventSubjects.enrollmentChanged });
      const mine: Record<string, unknown>[] = [];
      const batch = await consumer.fetch({ max_messages: 5_000, expires: 2_000 });
      for await (const m of batch) {
        const data = decodeEvent(m.data).data as Record<string, unknown>;
        if (data.courseId === klass.courseId) mine.push(data);
      }
      expect(mine).toHaveLength(30);
      for (const e of mine) expect(e).toMatchObject({ change: 'added', via: 'import', changedBy: klass.teacher.id });
    });
  });

  describe('erasure and account retention, on the real schema', () => {
    it('erases, past the retention period only, every trace identity-service holds and rewords the audit log', async () => {
      const [old, recent] = [klass.students[20]!, klass.students[21]!];
      // Signed in once (a sign-in with its refresh token), then disabled: one 40 days ago, one 10 days ago.
      await rpc.request(Rpc.identitySignIn, { email: old.email, password: old.password });
      await db.query(`UPDATE identity.users SET disabled = true, disabled_at = now() - interval '40 days' WHERE id = $1`, [old.id]);
      await db.query(`UPDATE identity.users SET disabled = true, disabled_at = now() - interval '10 days' WHERE id = $1`, [recent.id]);
      await db.query(
        `INSERT INTO identity.audit_log (source_event_id, at, actor_id, action, target_type, target_id, summary, details, names)
         VALUES ($1, now(), NULL, $2, 'account', $3, $4, $5::jsonb, $6::jsonb)`,
        [randomUUID(), EventSubjects.accountCreated, old.id, `Created the student account ${old.name} <${old.email}>.`, JSON.stringify({ userId: old.id, name: old.name, email: old.email, role: 'student' }), JSON.stringify({ [old.id]: old.name })],
      );
      const published: string[] = [];
      const options = { attendance: 'pseudonymised' as const, retentionDays: 30, sweepEverySeconds: 3600 };
      const store = new PostgresErasureStore(db);
      const erasure = new ErasureService(store, { publish: async (subject: string) => (published.push(subject), {} as never) }, new RecordedEvents(), options);
      expect(await new AccountRetentionSweep(store, erasure, new SystemClock(), { ...options, retentionDays: 0 }).sweepOnce()).toBe(0); // off: nothing
      const erased = await new AccountRetentionSweep(store, erasure, new SystemClock(), options).sweepOnce();
      expect(erased).toBeGreaterThanOrEqual(1);
      expect(published).toContain(EventSubjects.accountErased);

      const [row] = await db.query('SELECT email, name, password_hash, disabled, erased_at FROM identity.users WHERE id = $1', [old.id]);
      expect(row).toMatchObject({ email: `erased+${old.id}@erased.invalid`, name: 'Erased student', password_hash: null, disabled: true, erased_at: expect.any(Date) });
      expect((await db.query('SELECT count(*)::int AS n FROM identity.sign_ins WHERE user_id = $1', [old.id]))[0].n).toBe(0);
      const audit: { text: string }[] = await db.query('SELECT a::text AS text FROM identity.audit_log a WHERE target_id = $1', [old.id]);
      expect(audit.length).toBeGreaterThan(0);
      for (const { text } of audit) {
        expect(text).not.toContain(old.email);
        expect(text).not.toContain(old.name);
      }
      // The lookups others use show the placeholder and no email; the one disabled for 10 days is untouched.
      const users = await rpc.request(Rpc.identityUsers, { userIds: [old.id, recent.id] });
      expect(users.users).toEqual(expect.arrayContaining([{ id: old.id, email: '', name: 'Erased student', role: 'student' }, { id: recent.id, email: recent.email, name: recent.name, role: 'student' }]));
      // Erased accounts cannot be changed or enabled again.
      expect((await failureOf(rpc.request(Rpc.identitySetDisabled, { actor: { userId: randomUUID(), role: 'admin' as const }, targetUserId: old.id, disabled: false }))).code).toBe(ErrorCode.NOT_FOUND);
    });
  });
});
