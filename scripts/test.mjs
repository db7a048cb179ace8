// `npm test`: every test, from a fresh clone. Installs and builds when needed, starts private NATS
// and Redis servers for this run (and PostgreSQL when none answers), then runs the three tiers:
// unit specs, integration specs against the real servers, end-to-end specs that start the real
// processes. Exits non-zero when anything fails.
//   npm test -- unit|integration|e2e   runs one tier;   extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium, ensureInfra } from '../libs/runtime/src/infra.mjs';
import { checkNode, ensureBuild, ensureDependencies } from './prepare.mjs';
import { root } from '../libs/runtime/src/services.mjs';

const tiers = ['unit', 'integration', 'e2e'];
// Jest 30 reads testTimeout only as a global option, so each tier gets its own on the command line.
const TimeoutMs = { unit: 10_000, integration: 60_000, e2e: 300_000 };
const args = process.argv.slice(2);
const chosen = tiers.filter((t) => args.includes(t));
const jestArgs = args.filter((a) => !tiers.includes(a));

checkNode();
ensureDependencies();
ensureBuild();
// The web client's end-to-end specs drive a real Chromium: Debian's package, installed when missing.
const chromium = chosen.length === 0 || chosen.includes('e2e') ? ensureChromium() : undefined;

const dataDir = mkdtempSync(join(tmpdir(), 'classconnect-test-'));
const infra = await ensureInfra({ dataDir, fresh: true, database: 'postgres' });
const env = {
  ...process.env,
  NATS_URL: infra.NATS_URL,
  REDIS_URL: infra.REDIS_URL,
  DATABASE_URL: infra.DATABASE_URL,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  CLASSCONNECT_TEST_DATA_DIR: dataDir,
  ...(chromium ? { CHROMIUM_PATH: chromium } : {}),
};

let failed = false;
const summary = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const tier of chosen.length ? chosen : tiers) {
  process.stderr.write(`\n===== ${tier} tests =====\n`);
  const started = Date.now();
  const resultFile = join(dataDir, `${tier}-results.json`);
  const res = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      join(root, 'node_modules/jest/bin/jest.js'),
      '--selectProjects',
      tier,
      ...(tier === 'unit' ? [] : ['--runInBand']),
      `--testTimeout=${TimeoutMs[tier]}`,
      // Client libraries (socket.io-client reconnect timers, pg pools) can keep Jest's worker alive after the last test.
      '--forceExit',
      '--json',
      `--outputFile=${resultFile}`,
      ...jestArgs,
    ],
    { cwd: root, env, stdio: 'inherit' },
  );
  let counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(resultFile)) {
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    counts = { passed: r.numPassedTests, failed: r.numFailedTests + r.numRuntimeErrorTestSuites, skipped: r.numPendingTests + r.numTodoTests };
  }
  const ok = res.status === 0 && counts.failed === 0;
  failed ||= !ok;
  for (const k of Object.keys(totals)) totals[k] += counts[k];
  summary.push(`${tier}: ${ok ? 'ok' : 'FAILED'} — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (tier === 'unit') {
    runWebUnit();
    typecheckSpecs();
  }
}

/**
 * The build compiles the code but not the specs, and Jest's SWC transform strips types without
 * checking them: the whole project, specs included, is checked here (part of the unit tier).
 */
function typecheckSpecs() {
  process.stderr.write('\n===== type check (code and specs: tsc -p tsconfig.json) =====\n');
  const started = Date.now();
  const res = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, env, stdio: 'inherit' });
  const ok = res.status === 0;
  failed ||= !ok;
  summary.push(`type check: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The web client's hooks against a fake live channel: Vitest in a happy-dom page (apps/web/vitest.config.ts), part of the unit tier. */
function runWebUnit() {
  process.stderr.write('\n===== unit tests (web client, Vitest) =====\n');
  const started = Date.now();
  const resultFile = join(dataDir, 'web-unit-results.json');
  const res = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'apps/web/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile=${resultFile}`], { cwd: root, env, stdio: 'inherit' });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(resultFile)) {
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    counts = { passed: r.numPassedTests ?? 0, failed: (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0), skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
  }
  const ok = res.status === 0 && counts.failed === 0;
  failed ||= !ok;
  for (const k of Object.keys(totals)) totals[k] += counts[k];
  summary.push(`unit (web): ${ok ? 'ok' : 'FAILED'} — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await infra.stop();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`\n${summary.join('\n')}\n`);
// The plain closing line CI reads: N passed, N failed.
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
if (!failed && totals.passed === 0) {
  process.stdout.write('No test ran: that counts as a failure.\n');
  failed = true;
}
process.exit(failed ? 1 : 0);
