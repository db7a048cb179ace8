import 'reflect-metadata';
import { loadConfigOrExit } from '@classconnect/config';
import { bootstrapService } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { migrate } from '@classconnect/persistence';
import { DataSource } from 'typeorm';
import { AppModule, ServiceName } from './app.module.js';
import { Env } from './config.js';
import { integrationDataSourceOptions } from './infrastructure/database.js';

const config = loadConfigOrExit(Env, ServiceName);
const log = createLogger(ServiceName);
try {
  const applied = await migrate(integrationDataSourceOptions(config.DATABASE_URL));
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
} catch (err) {
  log.fatal({ err }, 'migrations failed');
  process.exit(1);
}
await bootstrapService(ServiceName, AppModule.forRoot(config), {
  opsPort: config.OPS_PORT,
  checks: (app) => [{ name: 'postgres', check: async () => void (await app.get(DataSource).query('SELECT 1')) }],
});
