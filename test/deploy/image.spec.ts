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
  args.push(image, 'node', '--enable-source-maps', `dist/apps/${service}/src/main.js`);
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
  cpuPercent: number;
}

/** Memory and CPU of this run's containers, as podman reports them (cgroup figures). */
async function usage(): Promise<Usage[]> {
  const out = await podman(['stats', '--no-stream', '--no-reset', '--format', 'json']);
  const rows = JSON.parse(out) as { name: string; mem_usage: string; cpu_percent: string }[];
  const mib = (s: string) => {
    const m = /([\d.]+)\s*([kMG]i?B|B)/.exec(s);
    if (!m) return NaN;
    const factor = { B: 1 / 1048576, kB: 1 / 1024, KiB: 1 / 1024, MB: 1, MiB: 1, GB: 1024, GiB: 1024 }[m[2]!] ?? NaN;
    return Number(m[1]) * factor;
  };
  return rows
    .filter((r) => r.name.startsWith(`cc-image-${runId}-`))
    .map((r) => ({ name: r.name.replace(`cc-image-${runId}-`, ''), memMiB: Math.round(mib(r.mem_usage.split('/')[0]!)), cpuPercent: parseFloat(r.cpu_percent) }));
}

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
    await new Promise((r) => setTimeout(r, 5_000));
    figures.idle = await usage();
  }, 180_000);

  describe('a class of 30 in the containers', () => {
    let seated: Classroom;
    let cls: ClassFixture;

    beforeAll(async () => {
      const sys = {
        gatewayUrl,
        origin,
        async createClass(students: number) {
          const out = await runInImage(env, ['node', 'dist/apps/identity-service/src/cli.js', 'create-class', '--students', String(students)]);
          return JSON.parse(out.trim().split('\n').pop()!) as ClassFixture;
        },
        async signIn(email: string, password: string) {
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
      seated = await seatClass(sys, 30);
      cls = seated.cls;
    }, 180_000);

    afterAll(() => seated?.close());

    it('checks in 25 inside and refuses 5 outside, and the report says so', async () => {
      const { teacher, students } = seated;
      const roster = new EventLog(teacher, ServerEvents.rosterUpdate);
      const reportReady = new EventLog(teacher, ServerEvents.reportReady);
      const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
      expect(session).toMatchObject({ status: 'open', enrolledCount: 30 });
      await Promise.all(students.map((s) => s.opened.waitFor((o) => o.sessionId === session.sessionId)));

      const started = Date.now();
      const results = await Promise.all(
        students.map((s, i) => s.checkIn(session.sessionId, i < 25 ? offsetNorth(room, (i % 5) * 5) : offsetNorth(room, 700))),
      );
      figures.classCheckinSeconds = (Date.now() - started) / 1000;
      figures.underLoad = await usage();
      expect(results.slice(0, 25).every((r) => r.verdict === 'accepted')).toBe(true);
      expect(results.slice(25).map((r) => r.reason)).toEqual(Array(5).fill(ErrorCode.OUTSIDE_GEOFENCE));
      await roster.waitFor(() => roster.items.length >= 30);
      expect(new Set(roster.items.filter((u) => u.state === 'present').map((u) => u.studentId))).toEqual(new Set(cls.students.slice(0, 25).map((s) => s.id)));

      await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
      await reportReady.waitFor((r) => r.sessionId === session.sessionId);
      const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
      expect(report.presentCount).toBe(25);
      expect(report.absentCount).toBe(5);
      expect(report.rows).toHaveLength(30);
      expect(new Set(report.rows.map((r) => r.studentId)).size).toBe(30);
    }, 180_000);
  });

  it('stops every service cleanly on SIGTERM (podman stop)', async () => {
    await Promise.all(containers.map((c) => podman(['stop', '--time', '20', c.name])));
    const codes = await Promise.all(containers.map((c) => c.exited));
    // 0 or 143 (ended by the SIGTERM itself once the shutdown hooks ran); 137 would mean podman had to SIGKILL.
    for (const code of codes) expect([0, 143]).toContain(code);
  }, 60_000);
});
