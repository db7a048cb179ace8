import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';

export interface SsoTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  browserBindingHash: Buffer;
}

/** Single sign-on's short-lived records, in Postgres so any instance can finish what another started. */
export abstract class SsoRepository {
  abstract saveTransaction(t: SsoTransaction, ttlSeconds: number): Promise<void>;
  /** Returns the live transaction of this state and deletes it: a state is used once. */
  abstract takeTransaction(state: string): Promise<SsoTransaction | null>;
  abstract saveCode(codeHash: Buffer, userId: string, ttlSeconds: number): Promise<void>;
  /** The user of a live one-time code, which is deleted. */
  abstract takeCode(codeHash: Buffer): Promise<string | null>;
}

@Injectable()
export class PostgresSsoRepository extends SsoRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async saveTransaction(t: SsoTransaction, ttlSeconds: number): Promise<void> {
    await this.db.query(
      `INSERT INTO identity.sso_transactions (state, nonce, code_verifier, browser_binding_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [t.state, t.nonce, t.codeVerifier, t.browserBindingHash, ttlSeconds],
    );
    await this.db.query('DELETE FROM identity.sso_transactions WHERE expires_at < now()');
  }

  async takeTransaction(state: string): Promise<SsoTransaction | null> {
    const result: unknown = await this.db.query(
      `DELETE FROM identity.sso_transactions WHERE state = $1 AND expires_at > now()
       RETURNING state, nonce, code_verifier, browser_binding_hash`,
      [state],
    );
    const row = updatedRows<{ state: string; nonce: string; code_verifier: string; browser_binding_hash: Buffer }>(result)[0];
    return row ? { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, browserBindingHash: row.browser_binding_hash } : null;
  }

  async saveCode(codeHash: Buffer, userId: string, ttlSeconds: number): Promise<void> {
    await this.db.query(
      'INSERT INTO identity.sso_codes (code_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))',
      [codeHash, userId, ttlSeconds],
    );
    await this.db.query('DELETE FROM identity.sso_codes WHERE expires_at < now()');
  }

  async takeCode(codeHash: Buffer): Promise<string | null> {
    const result: unknown = await this.db.query(
      'DELETE FROM identity.sso_codes WHERE code_hash = $1 AND expires_at > now() RETURNING user_id',
      [codeHash],
    );
    return updatedRows<{ user_id: string }>(result)[0]?.user_id ?? null;
  }
}
