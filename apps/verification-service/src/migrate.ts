/**
 * Applies (default) or reverts the last of the verification schema's migrations, then exits.
 *   node dist/apps/verification-service/src/migrate.js [up|down]
 * Run as a Kubernetes Job before the service is rolled out.
 */
import { loadConfigOrExit } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import { ServiceName, VerificationCliEnv } from './config.js';
import { migrateVerification, revertLastVerificationMigration } from './infrastructure/verification-database.js';

const config = loadConfigOrExit(VerificationCliEnv, `${ServiceName} migrate`);
const log = createLogger(`${ServiceName}:migrate`);
const direction = process.argv[2] ?? 'up';

try {
  if (direction === 'up') {
    const applied = await migrateVerification(config.DATABASE_URL);
    log.info({ migrations: applied }, applied.length ? 'migrations applied' : 'schema is up to date');
  } else if (direction === 'down') {
    await revertLastVerificationMigration(config.DATABASE_URL);
    log.info('last migration reverted');
  } else {
    process.stderr.write(`usage: migrate.js [up|down]\n`);
    process.exit(64);
  }
} catch (err) {
  log.fatal({ err }, 'migration failed');
  process.exit(1);
}
