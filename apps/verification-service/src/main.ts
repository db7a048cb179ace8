import 'reflect-metadata';
import { loadConfigOrExit } from '@classconnect/config';
import { bootstrapService } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { REDIS } from './infrastructure/infrastructure.module.js';
import { ServiceName, VerificationEnv } from './config.js';
import { migrateVerification } from './infrastructure/verification-database.js';

const config = loadConfigOrExit(VerificationEnv, ServiceName);
const log = createLogger(ServiceName);

try {
  // The local launcher relies on this; in Kubernetes a Job runs migrate.js first and this finds nothing to do.
  const applied = await migrateVerification(config.DATABASE_URL);
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
} catch (err) {
  log.fatal({ err }, 'database migrations failed');
  process.exit(1);
}

await bootstrapService(ServiceName, AppModule.forRoot(config), {
  opsPort: config.OPS_PORT,
  checks: (app) => [
    { name: 'redis', check: async () => void (await app.get<Redis>(REDIS).ping()) },
    { name: 'postgres', check: async () => void (await app.get(DataSource).query('SELECT 1')) },
  ],
});
