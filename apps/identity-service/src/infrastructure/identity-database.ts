import { createServiceDataSource, migrate, type ServiceDataSourceOptions } from '@classconnect/persistence';
import type { DataSource } from 'typeorm';
import { CreateIdentitySchema1795305600000 } from './migrations/1795305600000-create-identity-schema.js';
import { AddAdministrationAndAudit1796000000000 } from './migrations/1796000000000-add-administration-and-audit.js';
import { AddRoomsAndPasswordlessAccounts1796100000000 } from './migrations/1796100000000-add-rooms-and-passwordless-accounts.js';
import { SignInSecurity1796200000000 } from './migrations/1796200000000-sign-in-security.js';
import { Erasure1796700000000 } from './migrations/1796700000000-erasure.js';
import { CourseSettings1796800000000 } from './migrations/1796800000000-course-settings.js';

export const IdentitySchema = 'identity';

/** Every migration of the identity schema, oldest first. */
export const IdentityMigrations = [
  CreateIdentitySchema1795305600000,
  AddAdministrationAndAudit1796000000000,
  // rooms, accounts without a password (roster import)
  AddRoomsAndPasswordlessAccounts1796100000000,
  // sign-in security
  SignInSecurity1796200000000,
  // erasure and account retention
  Erasure1796700000000,
  // a course's time zone and excused policy
  CourseSettings1796800000000,
];

export function identityDataSourceOptions(url: string, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema: IdentitySchema, migrations: IdentityMigrations, ...(poolSize ? { poolSize } : {}) };
}

/** Creates the database and schema when missing and applies pending migrations. */
export function migrateIdentity(url: string): Promise<string[]> {
  return migrate(identityDataSourceOptions(url));
}

export async function openIdentityDataSource(url: string, poolSize?: number): Promise<DataSource> {
  const ds = createServiceDataSource(identityDataSourceOptions(url, poolSize));
  await ds.initialize();
  return ds;
}
