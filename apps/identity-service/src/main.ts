import 'reflect-metadata';
import { ConfigError } from '@classconnect/config';
import { bootstrapService } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { ServiceName, loadIdentityConfig, type IdentityConfig } from './config.js';
import { migrateIdentity } from './infrastructure/identity-database.js';

let config: IdentityConfig;
try {
  config = loadIdentityConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${ServiceName}: ${err.message}\n`);
  process.exit(78);
}
const log = createLogger(ServiceName);

try {
  // The local launcher relies on this; in Kubernetes a Job runs migrate.js first and this finds nothing to do.
  const applied = await migrateIdentity(config.DATABASE_URL);
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
} catch (err) {
  log.fatal({ err }, 'database migrations failed');
  process.exit(1);
}

await bootstrapService(ServiceName, AppModule.forRoot(config), {
  opsPort: config.OPS_PORT,
  checks: (app) => [{ name: 'postgres', check: async () => void (await app.get(DataSource).query('SELECT 1')) }],
});
