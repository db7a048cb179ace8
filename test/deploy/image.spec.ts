/**
 * The image, run: the five services and the migration commands started from the container image
 * (podman, host network) against private NATS and Redis servers and a database of this run, then
 * one class end to end through the gateway in the container. Also what the image is: Node 24, a
 * numeric non-root user, no development packages.
 *
 * Run by `node scripts/image.mjs test` (which `.ci/run` calls): it installs podman when missing,
 * builds the offline base images and the image, then runs this spec with CLASSCONNECT_IMAGE set.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { ClientEvents, ErrorCode, ServerEvents, type Position } from '@classconnect/contracts';
import { TokenService } from '@classconnect/auth';
import { ensureInfra, freePort, root, ServiceNames, type Infra } from '@classconnect/runtime';
import { EventLog, offsetNorth, requestOk, seatClass, type ClassFixture, type Classroom } from '@classconnect/testing';

const run = promisify(execFile);
const image = process.env.CLASSCONNECT_IMAGE ?? 'localhost/classconnect:test';
const room: Position = { latitude: 45.1885, longitude: 5.7245, accuracy: 10 };
const runId = randomBytes(3).toString('hex');
const artifacts = join(root, 'test-artifacts', 'image', runId);

async function podman(args: string[], opts: { maxBuffer?: number } = {}): Promise<string> {
  const { stdout } = await run('podman', args, { maxBuffer: opts.maxBuffer ?? 16 * 1024 * 1024 });
  return stdout;
}

interface Container {
  name: string;
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

/** `podman run` in the foreground, its output in a log file; ready when the service logs `service ready`. */
function startContainer(service: string, env: Record<string, string>): Container {
  const name = `cc-image-${runId}-${service}`;
  const args = ['run', '--rm', '--name', name, '--network', 'host', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
  for (const [k, v] of Object.entries({ ...env, SERVICE_NAME: service })) args.push('-e', `${k}=${v}`);
  args.push(image, 'node', '--enable-source-maps', '--max-semi-space-size=32', `dist/apps/${service}/src/main.js`);
  const child = spawn('podman', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  let markReady!: () => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    fail = rej;
  });
  ready.catch(() => {});
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      log.push(line);
      if (line.includes('"msg":"service ready"')) markReady();
    });
  }
  const exited = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(join(artifacts, `${service}.log`), log.join('\n') + '\n');
      fail(new Error(`${service} (container ${name}) exited with ${code} before it was ready:\n${log.slice(-20).join('\n')}`));
      res(code);
    }),
  );
  return { name, child, ready, exited };
}

/** A one-off command in the image (a migration, the identity CLI); resolves with its standard output. */
async function runInImage(env: Record<string, string>, command: string[]): Promise<string> {
  const args = ['run', '--rm', '--network', 'host', '--read-only', '--cap-drop', 'ALL'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  return podman([...args, image, ...command], { maxBuffer: 64 * 1024 * 1024 });
}

interface Usage {
  name: string;
  memMiB: number;
  /** CPU time the container has used since it started. */
  cpuMs: number;
}

/** A Go duration as podman prints it (1m2.5s, 830.2ms, 41µs) in milliseconds. */
function durationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/([\d.]+)(h|ms|m|s|µs|us|ns)/g)) {
    ms += Number(n) * ({ h: 3_600_000, m: 60_000, s: 1_000, ms: 1, µs: 1e-3, us: 1e-3, ns: 1e-6 } as Record<string, number>)[unit!]!;
  }
  return ms;
}

/** Memory and CPU time of this run's containers, as podman reads them from their cgroups. */
async function usage(): Promise<Usage[]> {
  const out = await podman(['stats', '--no-stream', '--no-reset', '--format', 'json']);
  const rows = JSON.parse(out) as { name: string; mem_usage: string; cpu_time: string }[];
  const mib = (s: string) => {
    const m = /([\d.]+)\s*([kMG]i?B|B)/.exec(s);
    const factor = ({ B: 1, kB: 1e3, KiB: 1024, MB: 1e6, MiB: 1048576, GB: 1e9, GiB: 1073741824 } as Record<string, number>)[m?.[2] ?? ''];
    return m && factor ? (Number(m[1]) * factor) / 1048576 : NaN;
  };
  return rows
    .filter((r) => r.name.startsWith(`cc-image-${runId}-`))
    .map((r) => ({ name: r.name.replace(`cc-image-${runId}-`, ''), memMiB: Math.round(mib(r.mem_usage.split('/')[0]!)), cpuMs: durationMs(r.cpu_time) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Class size: 30 in CI; `CLASSCONNECT_IMAGE_CLASS=300` for the figures of docs/deploy.md. */
const classSize = Math.max(10, Number(process.env.CLASSCONNECT_IMAGE_CLASS ?? 30));
const outside = 5;

describe('the image', () => {
  let infra: Infra;
  let dataDir: string;
  let database: string;
  let env: Record<string, string>;
  let containers: Container[] = [];
  let gatewayUrl: string;
  let origin: string;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    await podman(['image', 'exists', image]).catch(() => {
      throw new Error(`IMAGE_MISSING: the image ${image} is not built; run \`node scripts/image.mjs test\`, which builds it first`);
    });
    dataDir = mkdtempSync(join(tmpdir(), 'classconnect-image-'));
    // Private NATS and Redis on free ports, the machine's Postgres with a database of this run only.
    infra = await ensureInfra({ dataDir, fresh: true, database: 'postgres', configured: { DATABASE_URL: process.env.DATABASE_URL } });
    database = `classconnect_image_${runId}`;
    const dbUrl = new URL(infra.DATABASE_URL);
    dbUrl.pathname = `/${database}`;
    const port = await freePort();
    origin = `http://localhost:${port}`;
    gatewayUrl = `http://127.0.0.1:${port}`;
    env = {
      NODE_ENV: 'production',
      NATS_URL: infra.NATS_URL,
      REDIS_URL: infra.REDIS_URL,
      DATABASE_URL: dbUrl.toString(),
      AUTH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: '127.0.0.1',
      // Health and metrics of the other four on free ports (host network: they would clash on 9100).
      OPS_PORT: '0',
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: origin,
      LOG_LEVEL: 'info',
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(containers.map((c) => podman(['stop', '--time', '10', c.name]).catch(() => {})));
    await Promise.all(containers.map((c) => c.exited));
    await infra?.stop();
    if (database && infra) {
      const admin = new URL(infra.DATABASE_URL);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).finally(() => client.end());
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
    process.stdout.write(`image figures (${join(artifacts, 'figures.json')}):\n${JSON.stringify(figures, null, 2)}\n`);
  }, 60_000);

  it('runs Node 24 as uid 1000, with production packages only', async () => {
    const [inspected] = JSON.parse(await podman(['image', 'inspect', image])) as { Size: number; Config: { User: string } }[];
    expect(inspected!.Config.User).toBe('1000:1000');
    figures.imageSizeMB = Math.round(inspected!.Size / 1e6);
    const probe = await podman([
      'run', '--rm', '--network', 'none', image, 'node', '-e',
      `const fs = require('node:fs');
       const has = (p) => fs.existsSync('/app/node_modules/' + p);
       console.log(JSON.stringify({ node: process.version, uid: process.getuid(), web: fs.existsSync('/app/dist/web/index.html'),
         dev: ['oidc-provider', 'jest', 'typescript', 'vite', 'playwright-core', 'kubernetes-models', 'react'].filter(has),
         prod: ['@nestjs/core', 'argon2', 'socket.io', 'typeorm', 'prom-client'].filter(has) }));`,
    ]);
    const facts = JSON.parse(probe.trim()) as { node: string; uid: number; web: boolean; dev: string[]; prod: string[] };
    expect(facts.node).toMatch(/^v24\./);
    expect(facts.uid).toBe(1000);
    expect(facts.web).toBe(true);
    expect(facts.dev).toEqual([]);
    expect(facts.prod).toHaveLength(5);
    figures.node = facts.node;
  });

  it('migrates each schema with the Job command, twice without harm', async () => {
    const admin = new URL(env.DATABASE_URL!);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE "${database}"`).finally(() => client.end());
    // What a Deployment's init container does: wait for the Job, changing nothing itself.
    const waiting = runInImage(env, ['node', 'dist/apps/report-service/src/migrate.js', 'wait']);
    let waited = false;
    void waiting.then(() => (waited = true), () => {});
    await new Promise((r) => setTimeout(r, 6_000));
    expect(waited).toBe(false);
    for (const service of ['identity-service', 'verification-service', 'report-service']) {
      for (let i = 0; i < 2; i++) await runInImage(env, ['node', `dist/apps/${service}/src/migrate.js`, 'up']);
    }
    await waiting;
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ schema_name: string }>(`SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('identity', 'verification', 'report') ORDER BY 1`);
      expect(rows.map((r) => r.schema_name)).toEqual(['identity', 'report', 'verification']);
    } finally {
      await db.end();
    }
  }, 180_000);

  it('starts the five services from the image; the gateway answers its health checks and serves the web client', async () => {
    containers = ServiceNames.map((service) => startContainer(service, env));
    await Promise.all(containers.map((c) => c.ready));
    const live = await fetch(`${gatewayUrl}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${gatewayUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const page = await fetch(`${gatewayUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // Idle: memory once settled, and the CPU the five burn doing nothing (timers, heartbeats, sweeps).
    await new Promise((r) => setTimeout(r, 3_000));
    const first = await usage();
    await new Promise((r) => setTimeout(r, 10_000));
    figures.idle = (await usage()).map((u) => ({
      name: u.name,
      memMiB: u.memMiB,
      cpuMsPerSecond: Number(((u.cpuMs - (first.find((f) => f.name === u.name)?.cpuMs ?? 0)) / 10).toFixed(1)),
    }));
  }, 180_000);

  describe(`a class of ${classSize} in the containers`, () => {
    let seated: Classroom;
    let cls: ClassFixture;

    beforeAll(async () => {
      // Up to 50 students sign in with their passwords; a bigger class (the measuring run) gets
      // tokens minted with the deployment's key, as the benchmark does, so that what is measured
      // is the check-ins and not 300 password hashes at once.
      const users = new Map<string, { id: string; email: string; name?: string; role: 'teacher' | 'student' }>();
      const tokens = new TokenService(env.AUTH_TOKEN_SECRET!, 3_600);
      const sys = {
        gatewayUrl,
        origin,
        async createClass(students: number) {
          const out = await runInImage(env, ['node', 'dist/apps/identity-service/src/cli.js', 'create-class', '--students', String(students)]);
          const fixture = JSON.parse(out.trim().split('\n').pop()!) as ClassFixture;
          users.set(fixture.teacher.email, { ...fixture.teacher, role: 'teacher' });
          for (const st of fixture.students) users.set(st.email, { ...st, role: 'student' });
          return fixture;
        },
        async signIn(email: string, password: string) {
          const user = users.get(email);
          if (classSize > 50 && user?.role === 'student') {
            return (await tokens.issue({ userId: user.id, role: user.role, email, name: user.name ?? email })).token;
          }
          const res = await fetch(`${gatewayUrl}/api/auth/sign-in`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          });
          const body = (await res.json()) as { accessToken?: string };
          if (!body.accessToken) throw new Error(`sign-in of ${email} failed: ${res.status}`);
          return body.accessToken;
        },
      };
      seated = await seatClass(sys, classSize);
      cls = seated.cls;
    }, 900_000);

    afterAll(() => seated?.close());

    it(`checks in ${classSize - outside} inside and refuses ${outside} outside, and the report says so`, async () => {
      const { teacher, students } = seated;
      const inside = classSize - outside;
      const roster = new EventLog(teacher, ServerEvents.rosterUpdate);
      const reportReady = new EventLog(teacher, ServerEvents.reportReady);
      const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
      expect(session).toMatchObject({ status: 'open', enrolledCount: classSize });
      await Promise.all(students.map((s) => s.opened.waitFor((o) => o.sessionId === session.sessionId)));

      // CPU time of each container over the check-ins, and the most memory seen meanwhile.
      const before = await usage();
      const peak = new Map<string, number>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const u of await usage()) peak.set(u.name, Math.max(peak.get(u.name) ?? 0, u.memMiB));
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const started = Date.now();
      const results = await Promise.all(
        students.map((s, i) => s.checkIn(session.sessionId, i < inside ? offsetNorth(room, (i % 5) * 5) : offsetNorth(room, 700))),
      );
      const seconds = (Date.now() - started) / 1000;
      await roster.waitFor(() => roster.items.length >= classSize);
      sampling = false;
      await sampler;
      const after = await usage();
      figures.checkins = { students: classSize, seconds, perSecond: Math.round(classSize / seconds) };
      figures.underLoad = after.map((a) => ({
        name: a.name,
        peakMemMiB: peak.get(a.name),
        cpuMsPerCheckin: Number(((a.cpuMs - (before.find((b) => b.name === a.name)?.cpuMs ?? 0)) / classSize).toFixed(2)),
      }));

      expect(results.slice(0, inside).every((r) => r.verdict === 'accepted')).toBe(true);
      expect(results.slice(inside).map((r) => r.reason)).toEqual(Array(outside).fill(ErrorCode.OUTSIDE_GEOFENCE));
      expect(new Set(roster.items.filter((u) => u.state === 'present').map((u) => u.studentId))).toEqual(new Set(cls.students.slice(0, inside).map((s) => s.id)));

      await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
      await reportReady.waitFor((r) => r.sessionId === session.sessionId);
      const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
      expect(report.presentCount).toBe(inside);
      expect(report.absentCount).toBe(outside);
      expect(report.rows).toHaveLength(classSize);
      expect(new Set(report.rows.map((r) => r.studentId)).size).toBe(classSize);
    }, 300_000);
  });

  it('stops every service cleanly on SIGTERM (podman stop)', async () => {
    await Promise.all(containers.map((c) => podman(['stop', '--time', '20', c.name])));
    const codes = await Promise.all(containers.map((c) => c.exited));
    // 0 or 143 (ended by the SIGTERM itself once the shutdown hooks ran); 137 would mean podman had to SIGKILL.
    expect(containers.map((c, i) => `${c.name.replace(`cc-image-${runId}-`, '')}: ${[0, 143].includes(codes[i]!) ? 'stopped' : `exit ${codes[i]}`}`)).toEqual(
      containers.map((c) => `${c.name.replace(`cc-image-${runId}-`, '')}: stopped`),
    );
  }, 60_000);
});
