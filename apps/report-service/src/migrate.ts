/** Applies (or with `down`, reverts the last of) the `report` schema's migrations: node dist/apps/report-service/src/migrate.js [up|down] */
import { DatabaseEnv, loadConfigOrExit } from '@classconnect/config';
import { runMigrationCli } from '@classconnect/persistence';
import { reportDataSourceOptions } from './infrastructure/database.js';

const { DATABASE_URL } = loadConfigOrExit(DatabaseEnv, 'report-service migrate');
await runMigrationCli('report-service', reportDataSourceOptions(DATABASE_URL));
