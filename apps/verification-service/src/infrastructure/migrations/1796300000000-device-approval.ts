import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device binding: each passkey has a status (only approved ones check in), with who decided and
 * when; and each student bound to a device once is remembered, so removing every passkey and
 * adding a new one still needs approval. Passkeys registered before this are approved, and their
 * owners bound.
 */
export class DeviceApproval1796300000000 implements MigrationInterface {
  name = 'DeviceApproval1796300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE verification.credentials
        ADD COLUMN status text NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'pending', 'denied')),
        ADD COLUMN decided_by uuid,
        ADD COLUMN decided_at timestamptz`);
    await db.query(`CREATE INDEX credentials_pending_idx ON verification.credentials (created_at) WHERE status = 'pending'`);
    await db.query(`
      CREATE TABLE verification.device_bindings (
        user_id  uuid PRIMARY KEY,
        bound_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      INSERT INTO verification.device_bindings (user_id, bound_at)
      SELECT user_id, min(created_at) FROM verification.credentials GROUP BY user_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE verification.device_bindings');
    await db.query('DROP INDEX verification.credentials_pending_idx');
    await db.query('ALTER TABLE verification.credentials DROP COLUMN decided_at, DROP COLUMN decided_by, DROP COLUMN status');
  }
}
