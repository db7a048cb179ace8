/**
 * Applies (or with `down`, reverts the last of) the `report` schema's migrations, then exits.
 * Run as its own step, e.g. a Kubernetes Job: node dist/apps/report-service/src/migrate.js [up|down]
 */
import { DatabaseEnv, loadConfigOrExit } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import { migrate, revertLast } from '@classconnect/persistence';
import { reportDataSourceOptions } from './database/database.js';

const log = createLogger('report-service:migrate');
const { DATABASE_URL } = loadConfigOrExit(DatabaseEnv, 'report-service migrate');
const direction = process.argv[2] ?? 'up';
try {
  if (direction === 'down') {
    await revertLast(reportDataSourceOptions(DATABASE_URL));
    log.info('reverted the last migration');
  } else if (direction === 'up') {
    const applied = await migrate(reportDataSourceOptions(DATABASE_URL));
    log.info({ migrations: applied }, applied.length ? 'migrations applied' : 'schema is up to date');
  } else {
    process.stderr.write(`usage: migrate.js [up|down]\n`);
    process.exit(64);
  }
} catch (err) {
  log.fatal({ err }, 'migration failed');
  process.exit(1);
}
