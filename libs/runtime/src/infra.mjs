// Brings up what ClassConnect needs: NATS with JetStream, Redis and PostgreSQL.
//
// For each of them: a URL given in the environment is used as it is; otherwise a server already
// answering on the standard local port is reused; otherwise one is started from the system's
// binaries with its data under the project (installing the Debian package first when it is
// missing and we are allowed to). Only Node built-ins are used: this runs before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, chownSync, statSync, openSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const say = (msg) => process.stderr.write(`[infra] ${msg}\n`);

/** Connects to host:port and returns the first bytes the server sends (or '' if it sends none quickly). */
function probe(host, port, { send, timeoutMs = 800 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = '';
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(data ? { ok: true, data } : { ok: true, data: '' }));
    socket.on('connect', () => {
      if (send) socket.write(send);
    });
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\n')) done({ ok: true, data });
    });
    socket.on('error', () => done({ ok: false, data: '' }));
  });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function portIsFree(port) {
  const { ok } = await probe('127.0.0.1', port, { timeoutMs: 300 });
  return !ok;
}

async function waitFor(check, what, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

const isRoot = process.getuid?.() === 0;
let aptUpdated = false;

function findBinary(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/usr/bin', ...extraDirs];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return null;
}

function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : null;
}

/** Installs Debian packages when we are root; otherwise says exactly what to run. */
function aptInstall(packages, allowInstall) {
  const command = `apt-get install -y ${packages.join(' ')}`;
  if (!allowInstall || !isRoot) {
    throw new Error(`${packages.join(', ')} ${packages.length > 1 ? 'are' : 'is'} not installed. Install with: sudo apt-get update && sudo ${command}`);
  }
  say(`installing ${packages.join(', ')} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (update.status !== 0) throw new Error('apt-get update failed');
    aptUpdated = true;
  }
  const res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (res.status !== 0) throw new Error(`${command} failed`);
}

/**
 * The browser the web client's end-to-end tests drive: Debian's Chromium at /usr/bin/chromium
 * (installed when missing and we may; no browser is ever downloaded). Returns its path.
 */
export function ensureChromium({ allowInstall = true } = {}) {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  aptInstall(['chromium'], allowInstall);
  if (!existsSync(path)) throw new Error(`chromium was installed but ${path} is missing; set CHROMIUM_PATH`);
  return path;
}

function startChild(name, cmd, args, { logDir, env, uid, gid } = {}) {
  mkdirSync(logDir, { recursive: true });
  const out = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env }, uid, gid });
  child.on('exit', (code, signal) => {
    if (!child.stopping) say(`${name} exited (${signal ?? code}); see ${join(logDir, `${name}.log`)}`);
  });
  return child;
}

async function ensureNats({ dataDir, logDir, allowInstall, fresh, configured, natsConfig }) {
  if (configured.NATS_URL) return { url: configured.NATS_URL, started: null };
  if (!fresh) {
    const { ok, data } = await probe('127.0.0.1', 4222);
    if (ok && data.startsWith('INFO')) {
      if (!/"jetstream"\s*:\s*true/.test(data)) throw new Error('A NATS server answers on 127.0.0.1:4222 but without JetStream. Start it with -js, or set NATS_URL.');
      say('reusing NATS on 127.0.0.1:4222');
      return { url: 'nats://127.0.0.1:4222', started: null, authRequired: /"auth_required"\s*:\s*true/.test(data) };
    }
  }
  let bin = findBinary('nats-server');
  if (!bin) {
    aptInstall(['nats-server'], allowInstall);
    bin = findBinary('nats-server');
  }
  const port = !fresh && (await portIsFree(4222)) ? 4222 : await freePort();
  const store = join(dataDir, 'nats');
  mkdirSync(store, { recursive: true });
  const launch = async () => {
    // natsConfig: a configuration file with the services' users (scripts/nats-config.mjs); the flags set the rest.
    const child = startChild('nats', bin, [...(natsConfig ? ['-c', natsConfig] : []), '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { logDir });
    await waitFor(async () => (await probe('127.0.0.1', port)).data.startsWith('INFO'), 'NATS');
    return child;
  };
  const child = await launch();
  say(`started NATS with JetStream on 127.0.0.1:${port} (data in ${store})${natsConfig ? ', one user per service' : ''}`);
  return { url: `nats://127.0.0.1:${port}`, started: child, launch, authRequired: Boolean(natsConfig) };
}

async function ensureRedis({ dataDir, logDir, allowInstall, fresh, configured }) {
  if (configured.REDIS_URL) return { url: configured.REDIS_URL, started: null };
  if (!fresh) {
    const { ok, data } = await probe('127.0.0.1', 6379, { send: 'PING\r\n' });
    if (ok && /PONG|NOAUTH/.test(data)) {
      say('reusing Redis on 127.0.0.1:6379');
      return { url: 'redis://127.0.0.1:6379', started: null };
    }
  }
  let bin = findBinary('redis-server');
  if (!bin) {
    aptInstall(['redis-server'], allowInstall);
    bin = findBinary('redis-server');
  }
  const port = !fresh && (await portIsFree(6379)) ? 6379 : await freePort();
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  // Append-only file, fsync every second: live sessions survive a Redis restart.
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no'];
  const launch = async () => {
    const child = startChild('redis', bin, args, { logDir });
    await waitFor(async () => /PONG/.test((await probe('127.0.0.1', port, { send: 'PING\r\n' })).data), 'Redis');
    return child;
  };
  const child = await launch();
  say(`started Redis on 127.0.0.1:${port} (data in ${dir})`);
  return { url: `redis://127.0.0.1:${port}`, started: child, launch };
}

async function ensurePostgres({ dataDir, logDir, allowInstall, database, configured, privatePostgres }) {
  if (configured.DATABASE_URL && !privatePostgres) return { url: configured.DATABASE_URL, started: null };
  if (!privatePostgres && (await probe('127.0.0.1', 5432, { timeoutMs: 500 })).ok) {
    say('reusing PostgreSQL on 127.0.0.1:5432');
    return { url: `postgres://postgres@127.0.0.1:5432/${database}`, started: null };
  }
  let bin = postgresBinDir();
  if (!bin) {
    aptInstall(['postgresql'], allowInstall);
    bin = postgresBinDir();
  }
  const dir = join(dataDir, 'postgres');
  const port = !privatePostgres && (await portIsFree(5432)) ? 5432 : await freePort();
  // PostgreSQL refuses to run as root: as root it runs as the `postgres` system user.
  let ids = {};
  if (isRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('PostgreSQL cannot run as root and there is no `postgres` user; reinstall the postgresql package.');
    ids = { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
    // The `postgres` user must be able to pass through the data folder (a mkdtemp folder is 0700).
    chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  }
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (isRoot) chownSync(dir, ids.uid, ids.gid);
    const init = spawnSync(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'], {
      stdio: 'pipe',
      encoding: 'utf8',
      ...ids,
    });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  }
  if (isRoot) chownSync(dir, ids.uid, ids.gid);
  const launch = async () => {
    const child = startChild('postgres', join(bin, 'postgres'), ['-D', dir, '-p', String(port), '-h', '127.0.0.1', '-k', dir], { logDir, ...ids });
    await waitFor(async () => (await probe('127.0.0.1', port, { timeoutMs: 300 })).ok, 'PostgreSQL');
    return child;
  };
  const child = await launch();
  say(`started PostgreSQL on 127.0.0.1:${port} (data in ${dir})`);
  return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, started: child, launch };
}

/**
 * Returns { NATS_URL, REDIS_URL, DATABASE_URL, stop() }.
 * `fresh` starts private NATS and Redis servers on free ports (tests use it for isolation).
 * `privatePostgres` also starts a private PostgreSQL on a free port, whatever answers on 5432 or is
 * configured, so that it may be stopped and started (`npm run chaos` does).
 * `configured` holds the URLs to use as they are (default: the environment's NATS_URL, REDIS_URL, DATABASE_URL).
 */
export async function ensureInfra({ dataDir, logDir = join(dataDir, 'logs'), allowInstall = true, fresh = false, privatePostgres = false, database = 'classconnect', configured = process.env, natsConfig }) {
  mkdirSync(dataDir, { recursive: true });
  const missing = [];
  if (!configured.NATS_URL && !findBinary('nats-server')) missing.push('nats-server');
  if (!configured.REDIS_URL && !findBinary('redis-server')) missing.push('redis-server');
  if (privatePostgres ? !postgresBinDir() : !configured.DATABASE_URL && !postgresBinDir() && !(await probe('127.0.0.1', 5432, { timeoutMs: 500 })).ok) missing.push('postgresql');
  if (missing.length) aptInstall(missing, allowInstall);

  const opts = { dataDir, logDir, allowInstall, fresh, configured };
  const nats = await ensureNats({ ...opts, natsConfig });
  const redis = await ensureRedis(opts);
  const pg = await ensurePostgres({ ...opts, database, privatePostgres });
  // The servers this call started, by name; a fault test may stop and start them again.
  const servers = new Map(
    Object.entries({ nats, redis, postgres: pg })
      .filter(([, s]) => s.started)
      .map(([name, s]) => [name, { child: s.started, launch: s.launch }]),
  );
  const serverOf = (name) => {
    const server = servers.get(name);
    if (!server) throw new Error(`${name} was not started by this run (it is configured or reused), so it cannot be stopped or started`);
    return server;
  };
  const halt = async (child, signal) => {
    child.stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    }
  };
  return {
    pids: () => Object.fromEntries([...servers].map(([name, s]) => [name, s.child.pid])),
    NATS_URL: nats.url,
    /** True when the NATS server asks for credentials (started here with natsConfig, or one reused that does). */
    natsAuthRequired: Boolean(nats.authRequired),
    REDIS_URL: redis.url,
    DATABASE_URL: pg.url,
    /** Stops a server this run started (SIGTERM, or e.g. SIGKILL for a crash). */
    async stopServer(name, signal = 'SIGTERM') {
      await halt(serverOf(name).child, signal);
    },
    /** Starts a stopped server again, on the same port with the same data; resolves once it answers. */
    async startServer(name) {
      const server = serverOf(name);
      if (server.child.exitCode === null && server.child.signalCode === null) throw new Error(`${name} is running`);
      server.child = await server.launch();
    },
    async stop() {
      const running = [...servers.values()].reverse().map((s) => s.child);
      await Promise.all(running.map((c) => halt(c, 'SIGTERM')));
    },
  };
}
