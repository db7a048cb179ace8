// `npm run rebuild-reports [-- --verify] [--keep] [--json]`: the stream is the record. Replays the
// ATTENDANCE stream into an empty `report` schema (a scratch database `<db>_rebuild_<random>` on the
// same PostgreSQL) with report-service's own projection, report and warning code, publishing
// nothing. Without --verify the scratch database is kept and named, for reading or for a restore.
// With --verify every report (counts, rows, incomplete), every check-in flag and every open warning
// is compared with the live projection; exit code 0 when all match (the scratch database is then
// dropped unless --keep), 1 with the differences listed (it is kept). Uses the build and the
// environment of report-service: DATABASE_URL, NATS_URL (defaults: the launcher's), WARNING_*.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from '../libs/runtime/src/services.mjs';

const usage = 'usage: npm run rebuild-reports [-- --verify] [--keep] [--json]';
const args = process.argv.slice(2);
const unknown = args.filter((a) => !['--verify', '--keep', '--json'].includes(a));
if (unknown.length) {
  process.stderr.write(`unknown argument ${unknown[0]}\n${usage}\n`);
  process.exit(64);
}
const verify = args.includes('--verify');
const keep = args.includes('--keep');
const json = args.includes('--json');
const entry = (p) => join(root, 'dist', p);
if (!existsSync(entry('apps/report-service/src/rebuild/rebuild.js'))) {
  process.stderr.write('The project is not built: run `npm run build` (or `npm start` once) first.\n');
  process.exit(1);
}
process.env.LOG_LEVEL ??= 'warn';
const load = (p) => import(pathToFileURL(entry(p)).href);
const [{ rebuildReports }, { Env }, { loadConfig }, { connectNats }] = await Promise.all([
  load('apps/report-service/src/rebuild/rebuild.js'),
  load('apps/report-service/src/config.js'),
  load('libs/config/src/index.js'),
  load('libs/messaging/src/index.js'),
]);

let config;
try {
  config = loadConfig(Env);
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(78);
}
const say = (line) => json || process.stderr.write(`${line}\n`);
const nc = await connectNats(config.NATS_URL, 'rebuild-reports');
let status = 0;
try {
  const result = await rebuildReports({ databaseUrl: config.DATABASE_URL, nc, config, verify, keep, progress: say });
  if (json) process.stdout.write(`${JSON.stringify({ ...result, scratchUrl: undefined }, null, 2)}\n`);
  else if (!verify) process.stdout.write(`Rebuilt ${result.reports} report(s) from ${result.events} event(s) into the database ${result.scratchDatabase} (kept).\n`);
  else if (result.mismatches.length === 0) {
    const c = result.compared;
    process.stdout.write(`Verified: ${c.reports} report(s), ${c.flags} flag(s) and ${c.warnings} open warning(s) rebuilt from ${result.events} event(s) match the live projection.${result.kept ? ` Scratch database ${result.scratchDatabase} kept.` : ''}\n`);
  } else {
    for (const m of result.mismatches) process.stdout.write(`MISMATCH ${m.what} ${m.key}: ${m.detail}\n`);
    process.stdout.write(`${result.mismatches.length} difference(s) between the live projection and the stream's replay; the replay is kept in the database ${result.scratchDatabase}.\n`);
  }
  if (verify && result.mismatches.length) status = 1;
} catch (err) {
  process.stderr.write(`rebuild failed: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
  status = 2;
} finally {
  await nc.close();
}
process.exit(status);
