// `npm start`: the whole of ClassConnect on this machine, from a fresh clone.
// Installs what is missing, brings up NATS (JetStream), Redis and PostgreSQL (reusing configured or
// running ones), migrates and seeds the demo university, starts the six services, keeps them
// running (restarting one that crashes) and prints where to go. Ctrl-C stops everything it started.
//   --smoke   start, check that a demo teacher can sign in, then stop (used by the tests)
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureInfra, freePort } from '../libs/runtime/src/infra.mjs';
import { checkNode, ensureBuild, ensureDependencies } from './prepare.mjs';
import { ServiceNames, restartService, root, startSystem } from '../libs/runtime/src/services.mjs';

const smoke = process.argv.includes('--smoke');
const dataDir = process.env.CLASSCONNECT_DATA_DIR ?? join(root, '.local');
const logDir = join(dataDir, 'logs');

async function secrets() {
  const file = join(dataDir, 'secrets.json');
  const value = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const missing = !value.AUTH_TOKEN_SECRET || !value.VAPID_PUBLIC_KEY;
  value.AUTH_TOKEN_SECRET ??= randomBytes(32).toString('base64url');
  // A VAPID pair for the class-start Web Push (kept with the other secrets, made once).
  if (!value.VAPID_PUBLIC_KEY) {
    const { default: webpush } = await import('web-push');
    const { publicKey, privateKey } = webpush.generateVAPIDKeys();
    Object.assign(value, { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey });
  }
  if (missing) writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
  return value;
}

/**
 * The local default runs NATS as production does: one user per service, with the permissions
 * generated from the contracts (scripts/nats-config.mjs). Passwords are made once and kept in
 * secrets.json; the configuration is written again at every start, so it follows the contracts.
 */
async function natsUsers() {
  const file = join(dataDir, 'secrets.json');
  const stored = secrets();
  const { NatsServices, natsAuthorizationConfig } = await import(pathToFileURL(join(root, 'dist/libs/messaging/src/index.js')).href);
  const passwords = stored.NATS_PASSWORDS ?? {};
  let changed = false;
  for (const service of NatsServices) {
    if (!passwords[service]) {
      passwords[service] = randomBytes(18).toString('base64url');
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify({ ...stored, NATS_PASSWORDS: passwords }, null, 2), { mode: 0o600 });
  const config = join(dataDir, 'nats-users.conf');
  writeFileSync(config, `# Written by npm start from libs/contracts (scripts/nats-config.mjs): do not edit.\n${natsAuthorizationConfig(passwords)}`, { mode: 0o600 });
  return { config, passwords };
}

function cli(args, env) {
  const res = spawnSync(process.execPath, [join(root, 'dist/apps/identity-service/src/cli.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`identity-service ${args.join(' ')} failed`);
  return res.stdout;
}

const levels = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
function printLine(name, parsed, raw) {
  if (!parsed) return process.stderr.write(`[${name}] ${raw}\n`);
  if (parsed.level >= 40) process.stderr.write(`[${name}] ${levels[parsed.level]}: ${parsed.msg}${parsed.err ? ` — ${parsed.err.message}` : ''}\n`);
}

async function main() {
  checkNode();
  mkdirSync(dataDir, { recursive: true });
  ensureDependencies();
  ensureBuild();
  const users = await natsUsers();
  const infra = await ensureInfra({ dataDir, logDir, natsConfig: users.config });
  const port = Number(process.env.GATEWAY_PORT ?? (smoke ? await freePort() : 3000));
  const origin = process.env.PUBLIC_ORIGIN ?? `http://localhost:${port}`;
  const local = await secrets();
  const env = {
    NATS_URL: infra.NATS_URL,
    REDIS_URL: infra.REDIS_URL,
    DATABASE_URL: infra.DATABASE_URL,
    AUTH_TOKEN_SECRET: process.env.AUTH_TOKEN_SECRET ?? local.AUTH_TOKEN_SECRET,
    VAPID_PUBLIC_KEY: process.env.VAPID_PUBLIC_KEY ?? local.VAPID_PUBLIC_KEY,
    VAPID_PRIVATE_KEY: process.env.VAPID_PRIVATE_KEY ?? local.VAPID_PRIVATE_KEY,
    GATEWAY_PORT: String(port),
    WEBAUTHN_RP_ID: process.env.WEBAUTHN_RP_ID ?? new URL(origin).hostname,
    WEBAUTHN_ORIGINS: process.env.WEBAUTHN_ORIGINS ?? origin,
    // The smoke run (a test) takes free ops ports, as it takes a free gateway port.
    ...(smoke && !process.env.OPS_PORT ? { OPS_PORT: '0' } : {}),
  };
  process.stderr.write('[launcher] migrating and seeding the demo university…\n');
  cli(['migrate'], env);
  cli(['seed-demo'], env);

  process.stderr.write('[launcher] starting the services…\n');
  // Each service as its own NATS user, when the server asks for users (one started here does).
  const envOf = infra.natsAuthRequired ? (name) => ({ NATS_USER: name, NATS_PASSWORD: users.passwords[name] }) : undefined;
  const system = await startSystem(env, { logDir, onLine: printLine, envOf });
  let stopping = false;

  const shutdown = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\n[launcher] stopping…\n');
    await system.stop();
    await infra.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  // Keep every service running: one that dies is started again, with a growing pause.
  for (const name of ServiceNames) {
    const handle = system.services[name];
    let backoff = 500;
    const watch = () =>
      handle.exited.then(async ({ code, signal }) => {
        if (stopping) return;
        process.stderr.write(`[launcher] ${name} stopped (${signal ?? code}); starting it again in ${backoff} ms\n`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 10_000);
        try {
          await restartService(handle);
          backoff = 500;
        } catch (err) {
          process.stderr.write(`[launcher] ${name} failed to start: ${err.message}\n`);
        }
        watch();
      });
    watch();
  }

  if (smoke) {
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada.teacher@demo.classconnect.test', password: 'demo-teacher-pass' }),
    });
    const body = await res.json();
    const ok = res.status === 200 && typeof body.accessToken === 'string';
    process.stdout.write(JSON.stringify({ smoke: ok ? 'ok' : 'failed', status: res.status, user: body.user?.email ?? null }) + '\n');
    return shutdown(ok ? 0 : 1);
  }

  process.stdout.write(`
  ClassConnect is running: ${origin}

  Demo sign-ins (password after the colon):
    admin    admin@demo.classconnect.test       : demo-admin-pass
    teacher  ada.teacher@demo.classconnect.test : demo-teacher-pass   (CS101, MA201)
    teacher  alan.teacher@demo.classconnect.test: demo-teacher-pass   (PH110)
    students student01 … student60@demo.classconnect.test : demo-student-pass

  NATS ${env.NATS_URL} · Redis ${env.REDIS_URL} · PostgreSQL ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//…@')}
  Logs: ${logDir}    Stop: Ctrl-C
`);
}

main().catch((err) => {
  process.stderr.write(`[launcher] ${err.message}\n`);
  process.exit(1);
});
