// The container image: build it here with podman (offline base images, see docs/deploy.md) and
// test it by running the five services from it for one class (test/deploy/image.spec.ts).
//   node scripts/image.mjs build [--tag T]   sets podman up when missing, builds the image (default localhost/classconnect:test)
//   node scripts/image.mjs test  [--tag T]   build, then run the image spec against private NATS and Redis
// Node built-ins only. `.ci/run` runs `node scripts/image.mjs test`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../libs/runtime/src/services.mjs';

const [command = 'build', ...rest] = process.argv.slice(2);
const tagAt = rest.indexOf('--tag');
const tag = tagAt >= 0 ? rest[tagAt + 1] : (process.env.CLASSCONNECT_IMAGE ?? 'localhost/classconnect:test');
if (!['build', 'test'].includes(command) || !tag) {
  process.stderr.write('usage: node scripts/image.mjs build|test [--tag IMAGE]\n');
  process.exit(64);
}

function step(what, cmd, args, opts = {}) {
  process.stderr.write(`[image] ${what}\n`);
  const started = Date.now();
  const res = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8', env: { ...process.env, ...opts.env } });
  if (res.status !== 0) {
    process.stderr.write(`[image] FAILED: ${what} (${cmd} exited with ${res.status ?? res.signal})\n`);
    process.exit(1);
  }
  process.stderr.write(`[image] done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return res.stdout;
}

// podman, runc, the Debian base and Node 24 on it: each made once and then reused.
const nodeImage = step('podman and the Node 24 base image', 'bash', [join(root, 'scripts/podman-setup.sh')], { capture: true }).trim().split('\n').pop();
step(`building ${tag} on ${nodeImage}`, 'podman', [
  'build', '--network', 'host', '-v', '/etc/ssl/certs:/etc/ssl/certs:ro',
  '--build-arg', `NODE_IMAGE=${nodeImage}`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt', '-t', tag, '.',
]);
const size = spawnSync('podman', ['image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' }).stdout.trim();
process.stderr.write(`[image] ${tag}: ${Math.round(Number(size) / 1e6)} MB\n`);

if (command === 'test') {
  step('the image spec (five services from the image, one class)', process.execPath, [
    '--experimental-vm-modules', join(root, 'node_modules/jest/bin/jest.js'),
    '--selectProjects', 'image', '--runInBand', '--testTimeout=300000', '--forceExit',
  ], { env: { CLASSCONNECT_IMAGE: tag, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } });
}
