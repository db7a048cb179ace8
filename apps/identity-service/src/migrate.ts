import { loadConfigOrExit } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import { IdentityCliEnv, ServiceName } from './config.js';
import { migrateIdentity } from './database/identity-database.js';

/** Applies the identity schema's migrations and exits: the step a Kubernetes Job runs before the service. */
const config = loadConfigOrExit(IdentityCliEnv, `${ServiceName} migrate`);
const log = createLogger(`${ServiceName}:migrate`);
try {
  const applied = await migrateIdentity(config.DATABASE_URL);
  log.info({ migrations: applied }, applied.length > 0 ? 'migrations applied' : 'schema is up to date');
} catch (err) {
  log.fatal({ err }, 'database migrations failed');
  process.exit(1);
}
