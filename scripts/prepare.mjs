// Installs the npm dependencies and builds the project when needed. Node built-ins only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../libs/runtime/src/services.mjs';

const say = (msg) => process.stderr.write(`[prepare] ${msg}\n`);

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`ClassConnect needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  }
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status})`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.(ts|tsx|mts|json|css|html|svg|png|webmanifest|js|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional packages (SWC's
  // native builds) out of the lock file, and `npm ci` then refuses it as out of sync.
  say('installing npm dependencies…');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

export function ensureBuild({ force = false } = {}) {
  const stamp = join(root, 'dist', '.build-stamp');
  const sources = Math.max(newestMtime(join(root, 'apps')), newestMtime(join(root, 'libs')), statSync(join(root, 'tsconfig.json')).mtimeMs);
  // dist/web too: a clone built before the web client existed must build it.
  if (!force && existsSync(stamp) && existsSync(join(root, 'dist', 'web', 'index.html')) && statSync(stamp).mtimeMs >= sources) return;
  say('building (tsc, vite)…');
  run('npm', ['run', '--silent', 'build']);
  writeFileSync(stamp, new Date().toISOString());
}
