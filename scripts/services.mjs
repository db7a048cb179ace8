// Starts ClassConnect's five processes from the compiled build and watches them.
// Used by the launcher (`npm start`), the end-to-end tests and the benchmark.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import readline from 'node:readline';

export const root = resolve(import.meta.dirname, '..');
export const ServiceNames = ['identity-service', 'session-service', 'verification-service', 'report-service', 'gateway'];

export function mainOf(name) {
  return join(root, 'dist', 'apps', name, 'src', 'main.js');
}

/**
 * Starts one service. Resolves `ready` when it says it serves; rejects if it exits first.
 * onLine(name, parsedJsonOrNull, rawLine) sees every line it prints.
 */
export function startService(name, env, { logDir, onLine } = {}) {
  const handle = { name, env, child: null, ready: null, exited: null, logDir, onLine };
  launch(handle);
  return handle;
}

function launch(handle) {
  const { name, env, logDir, onLine } = handle;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const log = logDir ? createWriteStream(join(logDir, `${name}.log`), { flags: 'a' }) : null;
  const child = spawn(process.execPath, ['--enable-source-maps', mainOf(name)], {
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
  // The service sends { type: 'ready' } over IPC once it serves (and logs `service ready`).
  child.on('message', (m) => {
    if (m?.type === 'ready') markReady();
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

/** Starts all five and waits until each says it is ready. */
export async function startSystem(env, opts = {}) {
  const services = Object.fromEntries(ServiceNames.map((name) => [name, startService(name, env, opts)]));
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
