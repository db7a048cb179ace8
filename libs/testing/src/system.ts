/**
 * The whole system for end-to-end tests and the benchmark: private NATS and Redis servers started
 * for this run, a throw-away Postgres database, and the six services as separate processes from
 * the compiled build. Tests drive it only as a client would.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  ensureInfra,
  freePort,
  restartService,
  root,
  startSystem,
  stopService,
  type Infra,
  type InfraServer,
  type RunningSystem,
  type ServiceName,
} from '@classconnect/runtime';

const run = promisify(execFile);

export interface ClassFixture {
  courseId: string;
  courseCode: string;
  teacher: { id: string; email: string; password: string };
  students: { id: string; email: string; name: string; password: string }[];
}

export interface TestSystem {
  gatewayUrl: string;
  /** The origin a browser on this gateway reports (WebAuthn checks it). */
  origin: string;
  env: Record<string, string>;
  logDir: string;
  /** This system's private data: NATS's store in nats/, Redis's append-only file in redis/, a private Postgres's cluster in postgres/. */
  dataDir: string;
  createClass(students: number): Promise<ClassFixture>;
  signIn(email: string, password: string): Promise<string>;
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Process ids of the six services and of the servers started for this system (for CPU and memory readings). */
  pids(): Record<string, number>;
  restart(name: ServiceName): Promise<void>;
  /** Where a service answers /health/live, /health/ready and /metrics (the gateway: its own address). */
  opsUrl(name: ServiceName): string;
  /** Stops one of this system's private servers (NATS or Redis; Postgres only when this run started it). */
  stopServer(name: InfraServer, signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same data. */
  startServer(name: InfraServer): Promise<void>;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Where the services' logs go (default: test-artifacts/logs/<time>-<id> in the project, kept for reading after a failure). */
  logDir?: string;
  /** Start a private PostgreSQL on a free port instead of using the machine's, so that it may be stopped and started. */
  privatePostgres?: boolean;
  /** Arguments for node before each service's file, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /** A NATS server of the test's own (e.g. one started with per-service users) instead of a private one started here. */
  natsUrl?: string;
  /** More environment for one service, e.g. its own NATS_USER and NATS_PASSWORD. */
  serviceEnv?: (name: ServiceName) => Record<string, string>;
}

async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function startTestSystem(opts: TestSystemOptions = {}): Promise<TestSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'classconnect-e2e-'));
  const logDir = opts.logDir ?? join(root, 'test-artifacts', 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`);
  // Private NATS and Redis for this system; Postgres is shared (unless asked for a private one), with a database of our own.
  const infra: Infra = await ensureInfra({
    dataDir,
    logDir,
    fresh: true,
    privatePostgres: opts.privatePostgres ?? false,
    database: 'postgres',
    configured: { DATABASE_URL: process.env.DATABASE_URL, ...(opts.natsUrl ? { NATS_URL: opts.natsUrl } : {}) },
  });
  const database = `classconnect_e2e_${randomBytes(4).toString('hex')}`;
  const dbUrl = new URL(infra.DATABASE_URL);
  dbUrl.pathname = `/${database}`;
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const env: Record<string, string> = {
    NATS_URL: infra.NATS_URL,
    REDIS_URL: infra.REDIS_URL,
    DATABASE_URL: dbUrl.toString(),
    AUTH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    GATEWAY_PORT: String(port),
    GATEWAY_HOST: '127.0.0.1',
    WEBAUTHN_RP_ID: 'localhost',
    WEBAUTHN_ORIGINS: origin,
    LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'info',
    // Each service's ops port (/health, /metrics) on a free port, so systems side by side never collide.
    OPS_PORT: '0',
    ...opts.env,
  };
  let system: RunningSystem;
  try {
    system = await startSystem(env, { logDir, ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}), ...(opts.serviceEnv ? { envOf: opts.serviceEnv } : {}) });
  } catch (err) {
    await infra.stop();
    throw err;
  }
  const gatewayUrl = `http://127.0.0.1:${port}`;

  return {
    gatewayUrl,
    origin,
    env,
    logDir,
    dataDir,
    async createClass(students) {
      const { stdout } = await run(
        process.execPath,
        [join(root, 'dist/apps/identity-service/src/cli.js'), 'create-class', '--students', String(students)],
        { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      );
      return JSON.parse(stdout.trim().split('\n').pop()!) as ClassFixture;
    },
    async signIn(email, password) {
      const res = await fetch(`${gatewayUrl}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const body = (await res.json()) as { accessToken?: string; error?: { message: string } };
      if (!res.ok || !body.accessToken) throw new Error(`sign-in of ${email} failed: ${res.status} ${body.error?.message}`);
      return body.accessToken;
    },
    pids() {
      const out: Record<string, number> = {};
      for (const [name, handle] of Object.entries(system.services)) if (handle.child.pid) out[name] = handle.child.pid;
      return { ...out, ...infra.pids?.() };
    },
    async kill(name, signal = 'SIGKILL') {
      await stopService(system.services[name], signal);
    },
    opsUrl(name) {
      if (name === 'gateway') return gatewayUrl;
      const port = system.services[name].opsPort;
      if (!port) throw new Error(`${name} has not said its ops port (is it ready?)`);
      return `http://127.0.0.1:${port}`;
    },
    async restart(name) {
      await restartService(system.services[name]);
    },
    stopServer: (name, signal) => infra.stopServer(name, signal),
    startServer: (name) => infra.startServer(name),
    async stop() {
      await system.stop();
      await infra.stop();
      await dropDatabase(infra.DATABASE_URL, database).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
