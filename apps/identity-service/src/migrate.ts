/** Applies (or with `down`, reverts the last of) the identity schema's migrations: node dist/apps/identity-service/src/migrate.js [up|down] */
import { loadConfigOrExit } from '@classconnect/config';
import { runMigrationCli } from '@classconnect/persistence';
import { IdentityCliEnv, ServiceName } from './config.js';
import { identityDataSourceOptions } from './infrastructure/identity-database.js';

const config = loadConfigOrExit(IdentityCliEnv, `${ServiceName} migrate`);
await runMigrationCli(ServiceName, identityDataSourceOptions(config.DATABASE_URL));
