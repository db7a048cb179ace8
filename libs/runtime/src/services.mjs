// Starts ClassConnect's six processes from the compiled build and watches them.
// Used by the launcher (`npm start`), the end-to-end tests and the benchmark. Only Node built-ins
// are used: the launcher runs this before `npm install`.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import readline from 'node:readline';

/**
 * The project's root: the nearest folder above this file whose package.json is ClassConnect's, so
 * it is the same whether this runs from libs/ (the scripts, the tests) or from dist/ (the
 * benchmark, `npm run chaos`, the image).
 */
function projectRoot() {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'classconnect') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the ClassConnect project above ${import.meta.dirname}`);
  }
}

export const root = projectRoot();
export const ServiceNames = ['identity-service', 'session-service', 'verification-service', 'report-service', 'integration-service', 'gateway'];

export function mainOf(name) {
  return join(root, 'dist', 'apps', name, 'src', 'main.js');
}

/**
 * Starts one service. Resolves `ready` when it says it serves; rejects if it exits first.
 * onLine(name, parsedJsonOrNull, rawLine) sees every line it prints. nodeArgs go to node before the
 * service's file (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 */
export function startService(name, env, { logDir, onLine, nodeArgs = [], instance } = {}) {
  const handle = { name, env, child: null, ready: null, exited: null, logDir, onLine, nodeArgs, instance, opsPort: undefined };
  launch(handle);
  return handle;
}

/**
 * What every service runs with, here as in the image (Dockerfile, k8s/, docker-compose.yml): a
 * young generation of up to 32 MB per half instead of V8's 16. A check-in allocates short-lived
 * objects in every service; with more room they die before a scavenge has to copy them. Two
 * interleaved pairs of `npm run bench` at 1,000 students: CPU per check-in 3.80 and 3.57 ms without,
 * 3.24 and 3.18 ms with; paced p99 1,122 and 986 ms without, 834 and 773 ms with. It costs at most
 * 32 MB more per process. A service's own `nodeArgs` come after it, so they can change it.
 */
const ServiceNodeArgs = ['--max-semi-space-size=32'];

function launch(handle) {
  const { name, env, logDir, onLine, nodeArgs, instance } = handle;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const log = logDir ? createWriteStream(join(logDir, `${instance === undefined ? name : `${name}-${instance}`}.log`), { flags: 'a' }) : null;
  const child = spawn(process.execPath, [...ServiceNodeArgs, ...nodeArgs, '--enable-source-maps', mainOf(name)], {
    cwd: root,
    env: { ...process.env, ...env, SERVICE_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  handle.child = child;
  let markReady;
  let failReady;
  handle.ready = new Promise((res, rej) => {
    markReady = res;
    failReady = rej;
  });
  handle.ready.catch(() => {});
  // The service sends { type: 'ready', opsPort } over IPC once it serves (and logs `service ready`);
  // opsPort is where it answers /health and /metrics (the gateway: on its own port).
  child.on('message', (m) => {
    if (m?.type !== 'ready') return;
    handle.opsPort = m.opsPort;
    markReady();
  });
  handle.exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const tail = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      log?.write(line + '\n');
      tail.push(line);
      if (tail.length > 20) tail.shift();
      let parsed = null;
      try {
        parsed = JSON.parse(line);
      } catch {
        /* not a JSON log line */
      }
      onLine?.(name, parsed, line);
    });
  }
  child.once('exit', (code, signal) => {
    failReady(new Error(`${name} exited (${signal ?? code}) before it was ready. Last lines:\n${tail.join('\n')}`));
    log?.end();
  });
}

/** Stops a service: SIGTERM (clean) by default, SIGKILL to simulate a crash. */
export async function stopService(handle, signal = 'SIGTERM') {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill(signal);
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), 10_000);
  await handle.exited;
  clearTimeout(timer);
}

/** Starts the same service again with the same environment. */
export async function restartService(handle) {
  await stopService(handle);
  launch(handle);
  await handle.ready;
  return handle;
}

/**
 * Starts all six and waits until each says it is ready. `opts.envOf(name)`: more environment for
 * one service (e.g. its own NATS_USER and NATS_PASSWORD).
 */
export async function startSystem(env, opts = {}) {
  const { envOf, ...startOpts } = opts;
  const services = Object.fromEntries(ServiceNames.map((name) => [name, startService(name, { ...env, ...envOf?.(name) }, startOpts)]));
  try {
    await Promise.all(Object.values(services).map((s) => s.ready));
  } catch (err) {
    await Promise.all(Object.values(services).map((s) => stopService(s)));
    throw err;
  }
  return {
    services,
    async stop() {
      // The gateway first, so no new work arrives while the others finish theirs.
      await stopService(services.gateway);
      await Promise.all(ServiceNames.filter((n) => n !== 'gateway').map((n) => stopService(services[n])));
    },
  };
}
