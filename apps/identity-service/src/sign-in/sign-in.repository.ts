import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';

export type SignInMethod = 'password' | 'passkey' | 'sso';

/** What happened to a refresh token presented for rotation. */
export type RotationResult =
  | { outcome: 'rotated'; signInId: string; userId: string }
  | { outcome: 'invalid' }
  /** The token was already spent: its whole sign-in has now been revoked. */
  | { outcome: 'reused'; signInId: string; userId: string };

/** Sign-ins (refresh-token families) and their refresh tokens. A port, so the service is testable without Postgres. */
export abstract class SignInRepository {
  /** Starts a sign-in with its first refresh token. */
  abstract createSignIn(id: string, userId: string, method: SignInMethod, tokenHash: Buffer, expiresAt: Date): Promise<void>;
  /**
   * In one transaction: spends the token and stores its successor when the token is live, its
   * sign-in not revoked and its account not disabled; revokes the sign-in when the token was spent already.
   */
  abstract rotate(tokenHash: Buffer, nextHash: Buffer, nextExpiresAt: Date): Promise<RotationResult>;
  /** Revokes these sign-ins of the user (all of them when ids is 'all'); returns the ids it revoked now. */
  abstract revoke(userId: string, ids: string[] | 'all', reason: string): Promise<string[]>;
}

@Injectable()
export class PostgresSignInRepository extends SignInRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async createSignIn(id: string, userId: string, method: SignInMethod, tokenHash: Buffer, expiresAt: Date): Promise<void> {
    // One statement, so one round trip and one commit: a whole lecture signs in at once.
    await this.db.query(
      `WITH s AS (INSERT INTO identity.sign_ins (id, user_id, method) VALUES ($1, $2, $3) RETURNING id)
       INSERT INTO identity.refresh_tokens (token_hash, sign_in_id, expires_at) SELECT $4, id, $5 FROM s`,
      [id, userId, method, tokenHash, expiresAt],
    );
  }

  rotate(tokenHash: Buffer, nextHash: Buffer, nextExpiresAt: Date): Promise<RotationResult> {
    return this.db.transaction(async (m): Promise<RotationResult> => {
      const rows: { sign_in_id: string; user_id: string; spent: boolean; expired: boolean; revoked: boolean; disabled: boolean }[] = await m.query(
        `SELECT t.sign_in_id, s.user_id, t.spent_at IS NOT NULL AS spent, t.expires_at <= now() AS expired,
                s.revoked_at IS NOT NULL AS revoked, u.disabled
           FROM identity.refresh_tokens t
           JOIN identity.sign_ins s ON s.id = t.sign_in_id
           JOIN identity.users u ON u.id = s.user_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [tokenHash],
      );
      const row = rows[0];
      if (!row || row.revoked || row.expired || row.disabled) return { outcome: 'invalid' };
      if (row.spent) {
        await m.query(
          `UPDATE identity.sign_ins SET revoked_at = now(), revoke_reason = 'refresh-token-reused' WHERE id = $1 AND revoked_at IS NULL`,
          [row.sign_in_id],
        );
        return { outcome: 'reused', signInId: row.sign_in_id, userId: row.user_id };
      }
      await m.query('UPDATE identity.refresh_tokens SET spent_at = now() WHERE token_hash = $1', [tokenHash]);
      await m.query('INSERT INTO identity.refresh_tokens (token_hash, sign_in_id, expires_at) VALUES ($1, $2, $3)', [nextHash, row.sign_in_id, nextExpiresAt]);
      await m.query('UPDATE identity.sign_ins SET last_used_at = now() WHERE id = $1', [row.sign_in_id]);
      // Spent tokens are kept only to recognise a reuse; the ones past their idle limit can go.
      await m.query('DELETE FROM identity.refresh_tokens WHERE sign_in_id = $1 AND spent_at IS NOT NULL AND expires_at < now()', [row.sign_in_id]);
      return { outcome: 'rotated', signInId: row.sign_in_id, userId: row.user_id };
    });
  }

  async revoke(userId: string, ids: string[] | 'all', reason: string): Promise<string[]> {
    const result: unknown =
      ids === 'all'
        ? await this.db.query(
            'UPDATE identity.sign_ins SET revoked_at = now(), revoke_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
            [userId, reason],
          )
        : await this.db.query(
            'UPDATE identity.sign_ins SET revoked_at = now(), revoke_reason = $3 WHERE user_id = $1 AND id = ANY($2::uuid[]) AND revoked_at IS NULL RETURNING id',
            [userId, ids, reason],
          );
    return updatedRows<{ id: string }>(result).map((r) => r.id);
  }
}
