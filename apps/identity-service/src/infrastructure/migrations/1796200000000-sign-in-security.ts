import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in security: failed attempts (throttling), sign-ins with their refresh tokens (rotation,
 * revocation), accounts linked to the university's identity provider, and single sign-on's
 * short-lived transactions and one-time codes.
 */
export class SignInSecurity1796200000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // One row per failed password sign-in; key is 'email:' or 'ip:' + a SHA-256, never the address itself.
    await db.query(`
      CREATE TABLE identity.sign_in_failures (
        key text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX sign_in_failures_key_idx ON identity.sign_in_failures (key, failed_at DESC)');
    // A sign-in is a refresh-token family: its id is the access tokens' sid claim.
    await db.query(`
      CREATE TABLE identity.sign_ins (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
        method text NOT NULL CHECK (method IN ('password', 'passkey', 'sso')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoke_reason text
      )`);
    await db.query('CREATE INDEX sign_ins_live_user_idx ON identity.sign_ins (user_id) WHERE revoked_at IS NULL');
    await db.query(`
      CREATE TABLE identity.refresh_tokens (
        token_hash bytea PRIMARY KEY,
        sign_in_id uuid NOT NULL REFERENCES identity.sign_ins (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        spent_at timestamptz
      )`);
    await db.query('CREATE INDEX refresh_tokens_sign_in_idx ON identity.refresh_tokens (sign_in_id)');
    await db.query(`
      CREATE TABLE identity.external_identities (
        issuer text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
        linked_at timestamptz NOT NULL DEFAULT now(),
        last_sign_in_at timestamptz,
        PRIMARY KEY (issuer, subject)
      )`);
    await db.query('CREATE INDEX external_identities_user_idx ON identity.external_identities (user_id)');
    await db.query(`
      CREATE TABLE identity.sso_transactions (
        state text PRIMARY KEY,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        browser_binding_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE identity.sso_codes (
        code_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE identity.sso_codes');
    await db.query('DROP TABLE identity.sso_transactions');
    await db.query('DROP TABLE identity.external_identities');
    await db.query('DROP TABLE identity.refresh_tokens');
    await db.query('DROP TABLE identity.sign_ins');
    await db.query('DROP TABLE identity.sign_in_failures');
  }
}
