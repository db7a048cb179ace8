import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Registered passkeys: one row per WebAuthn credential, keyed by its base64url credential id. */
export class CreateCredentials1795305700000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE verification.credentials (
        id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 1024),
        user_id uuid NOT NULL,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0 CHECK (counter >= 0),
        transports text[] NOT NULL DEFAULT '{}',
        device_name text NOT NULL CHECK (length(device_name) BETWEEN 1 AND 64),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await db.query('CREATE INDEX credentials_user_idx ON verification.credentials (user_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE verification.credentials');
  }
}
