/** Applies (or with `down`, reverts the last of) the `integration` schema's migrations: node dist/apps/integration-service/src/migrate.js [up|down] */
import { DatabaseEnv, loadConfigOrExit } from '@classconnect/config';
import { runMigrationCli } from '@classconnect/persistence';
import { integrationDataSourceOptions } from './infrastructure/database.js';

const { DATABASE_URL } = loadConfigOrExit(DatabaseEnv, 'integration-service migrate');
await runMigrationCli('integration-service', integrationDataSourceOptions(DATABASE_URL));
