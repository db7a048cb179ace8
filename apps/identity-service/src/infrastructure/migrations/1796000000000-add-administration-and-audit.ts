import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People administration and the audit log: an account may have no password (it signs in with
 * single sign-on or a passkey), and every administrative or teaching action is recorded once per
 * source event.
 */
export class AddAdministrationAndAudit1796000000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE identity.users ALTER COLUMN password_hash DROP NOT NULL');
    await db.query(`
      CREATE TABLE identity.audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_event_id text NOT NULL UNIQUE,
        at timestamptz NOT NULL,
        actor_id uuid,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        summary text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- The names of the accounts and courses the entry mentions, as they were: clients word it in their language.
        names jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query('CREATE INDEX audit_log_actor_idx ON identity.audit_log (actor_id, id DESC)');
    await db.query('CREATE INDEX audit_log_target_idx ON identity.audit_log (target_id, id DESC)');
    await db.query('CREATE INDEX audit_log_action_idx ON identity.audit_log (action, id DESC)');
    // People search by name or email (user:list).
    await db.query('CREATE INDEX users_name_idx ON identity.users (lower(name))');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX identity.users_name_idx');
    await db.query('DROP TABLE identity.audit_log');
    // Accounts without a password cannot sign in with one; an unusable hash keeps them so.
    await db.query(`UPDATE identity.users SET password_hash = '!' WHERE password_hash IS NULL`);
    await db.query('ALTER TABLE identity.users ALTER COLUMN password_hash SET NOT NULL');
  }
}
