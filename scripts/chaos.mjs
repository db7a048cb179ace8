// `npm run chaos [-- --students N] [--scenario NAME] [--quick]`: the fault suite. For each scenario,
// on private NATS, Redis and PostgreSQL started for it, a fresh class of N (default 200) checks in
// over ~20 s with clients that retry as docs/protocol.md says, while one fault hits mid-burst (or
// right after Stop). Prints one table — submitted, told accepted, in the report, lost, duplicated,
// unanswered, time to recover, report delay after Stop — and writes test-artifacts/chaos/<time>.json
// (the services' logs are beside it, one folder per scenario). Exits non-zero when any scenario
// lost, duplicated or left unanswered anything, had no report, or failed one of its own checks.
// The scenarios themselves are in libs/testing/src/chaos (the smoke spec in `npm test` runs three).
//   --list               names the scenarios;   --burst-seconds S   spreads the check-ins over S s;
//   --shared-postgres    uses the machine's PostgreSQL (the Postgres scenarios then cannot run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { checkNode, ensureBuild, ensureDependencies } from './prepare.mjs';
import { root } from '../libs/runtime/src/services.mjs';

const { values } = parseArgs({
  options: {
    students: { type: 'string', default: '200' },
    scenario: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    'burst-seconds': { type: 'string', default: '20' },
    'shared-postgres': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});
const say = (msg) => process.stderr.write(`[chaos] ${msg}\n`);

checkNode();
ensureDependencies();
ensureBuild();
// This process's own NATS client logs (reconnects while we restart NATS) would clutter the table.
process.env.LOG_LEVEL ??= 'error';
const testing = await import(pathToFileURL(join(root, 'dist/libs/testing/src/index.js')).href);

if (values.list) {
  for (const s of testing.Scenarios) process.stdout.write(`${s.name.padEnd(28)} ${s.smoke ? '(quick) ' : ''}${s.fault}\n`);
  process.exit(0);
}
const chosen = values.scenario?.length
  ? values.scenario.map((name) => testing.scenarioNamed(name))
  : values.quick
    ? testing.Scenarios.filter((s) => s.smoke)
    : testing.Scenarios;

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = join(root, 'test-artifacts', 'chaos');
const logDir = join(outDir, stamp);
mkdirSync(logDir, { recursive: true });
const students = Number(values.students);
const burstMs = Number(values['burst-seconds']) * 1000;

say(`${chosen.length} scenario(s), a class of ${students} each, check-ins over ${burstMs / 1000} s; logs in ${logDir}`);
const results = [];
for (const scenario of chosen) {
  const r = await testing.runScenario(scenario, { students, burstMs, logDir, privatePostgres: !values['shared-postgres'], say });
  results.push(r);
  say(`${scenario.name}: ${r.ok ? 'ok' : 'FAILED'} in ${r.durationSeconds} s`);
}

const s = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} s`);
const columns = [
  ['scenario', (r) => r.scenario],
  ['submitted', (r) => r.submitted],
  ['told accepted', (r) => r.toldAccepted],
  ['in report', (r) => r.inReport],
  ['lost', (r) => r.lost],
  ['duplicated', (r) => r.duplicated],
  ['unanswered', (r) => r.unanswered],
  ['rejected', (r) => r.rejected],
  ['recovery', (r) => s(r.recoverySeconds)],
  ['report after Stop', (r) => s(r.reportDelaySeconds)],
  ['', (r) => (r.ok ? 'ok' : 'FAILED')],
];
const cells = results.map((r) => columns.map(([, f]) => String(f(r))));
const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
const out = [
  '',
  `ClassConnect chaos — ${students} students per scenario, check-ins over ${burstMs / 1000} s, ${new Date().toISOString()}`,
  '',
  line(columns.map(([h]) => h)),
  line(widths.map((w) => '-'.repeat(w))),
  ...cells.map(line),
  '',
];
// What a reader needs to understand a row that is not clean, under the table.
for (const r of results) {
  const details = [];
  if (r.error) details.push(`could not run: ${r.error}`);
  if (r.rejected) details.push(`rejected: ${Object.entries(r.rejections).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  if (r.unanswered) details.push(`unanswered: ${Object.entries(r.unansweredReasons).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  if (r.presentUntold) details.push(`${r.presentUntold} present in the report though never told accepted`);
  if (r.report?.firstReportMissing) details.push(`the first report lacked ${r.report.firstReportMissing} told accepted`);
  for (const c of r.checks) details.push(`${c.ok ? 'ok' : 'FAILED'} ${c.name}: ${c.detail}`);
  details.push(...r.notes);
  const codes = Object.entries(r.errorsSeen).filter(([k]) => k !== 'no-ack' || r.errorsSeen[k] > 0);
  if (codes.length) details.push(`clients saw: ${codes.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  if (details.length) out.push(`${r.scenario}: ${details.join('; ')}`);
}
out.push(
  '',
  'recovery: from the moment the broken part answered again to the first client hearing a verdict decided after it',
  '(for report-service-after-stop: to the report; — when every check-in was answered before it was back);',
  'report after Stop: from Stop\'s ack to the report:ready push or the first report:get that answered, whichever came first.',
  `JSON: ${join(outDir, `${stamp}.json`)}; service logs: ${logDir}/<scenario>/`,
);
process.stdout.write(out.join('\n') + '\n');
writeFileSync(join(outDir, `${stamp}.json`), JSON.stringify({ students, burstMs, at: new Date().toISOString(), results }, null, 2));
process.exit(results.every((r) => r.ok) ? 0 : 1);
