import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure and account retention: when an account was erased (its name and email are placeholders
 * from then on) and since when it has been disabled (the retention sweep erases accounts disabled
 * for longer than ACCOUNT_RETENTION_DAYS).
 */
export class Erasure1796700000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE identity.users ADD COLUMN erased_at timestamptz, ADD COLUMN disabled_at timestamptz');
    // Accounts disabled before this column existed count from now: none is erased early by the sweep.
    await db.query('UPDATE identity.users SET disabled_at = now() WHERE disabled');
    await db.query('CREATE INDEX users_disabled_for_retention_idx ON identity.users (disabled_at) WHERE disabled AND erased_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX identity.users_disabled_for_retention_idx');
    await db.query('ALTER TABLE identity.users DROP COLUMN erased_at, DROP COLUMN disabled_at');
  }
}
