/** Applies (or with `down`, reverts the last of) the verification schema's migrations: node dist/apps/verification-service/src/migrate.js [up|down] */
import { loadConfigOrExit } from '@classconnect/config';
import { runMigrationCli } from '@classconnect/persistence';
import { ServiceName, VerificationCliEnv } from './config.js';
import { verificationDataSourceOptions } from './infrastructure/verification-database.js';

const config = loadConfigOrExit(VerificationCliEnv, `${ServiceName} migrate`);
await runMigrationCli(ServiceName, verificationDataSourceOptions(config.DATABASE_URL));
