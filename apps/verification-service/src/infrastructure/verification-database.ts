import { createServiceDataSource, migrate, revertLast, type ServiceDataSourceOptions } from '@classconnect/persistence';
import type { DataSource } from 'typeorm';
import { CreateCredentials1795305700000 } from './migrations/1795305700000-create-credentials.js';
import { DeviceApproval1796300000000 } from './migrations/1796300000000-device-approval.js';

export const VerificationSchema = 'verification';

/** Every migration of the verification schema, oldest first. */
export const VerificationMigrations = [CreateCredentials1795305700000, DeviceApproval1796300000000];

export function verificationDataSourceOptions(url: string, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema: VerificationSchema, migrations: VerificationMigrations, ...(poolSize ? { poolSize } : {}) };
}

/** Creates the database and schema when missing and applies pending migrations. */
export function migrateVerification(url: string): Promise<string[]> {
  return migrate(verificationDataSourceOptions(url));
}

export function revertLastVerificationMigration(url: string): Promise<void> {
  return revertLast(verificationDataSourceOptions(url));
}

export async function openVerificationDataSource(url: string, poolSize?: number): Promise<DataSource> {
  const ds = createServiceDataSource(verificationDataSourceOptions(url, poolSize));
  await ds.initialize();
  return ds;
}
