import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '../infrastructure/queryable.js';

/** Failed password sign-ins, by hashed key (see sign-in-throttle.ts). A port, so the throttle is testable without Postgres. */
export abstract class SignInFailureRepository {
  /** The `max`-th most recent failure of `key` within the window, or null when there are fewer. */
  abstract nthRecentFailure(key: string, max: number, windowSeconds: number): Promise<Date | null>;
  abstract recordFailure(keys: string[], windowSeconds: number): Promise<void>;
  abstract clearFailures(key: string): Promise<void>;
}

@Injectable()
export class PostgresSignInFailureRepository extends SignInFailureRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async nthRecentFailure(key: string, max: number, windowSeconds: number): Promise<Date | null> {
    const rows: { failed_at: Date }[] = await this.db.query(
      `SELECT failed_at FROM identity.sign_in_failures
        WHERE key = $1 AND failed_at > now() - make_interval(secs => $2)
        ORDER BY failed_at DESC OFFSET $3 LIMIT 1`,
      [key, windowSeconds, max - 1],
    );
    return rows[0]?.failed_at ?? null;
  }

  async recordFailure(keys: string[], windowSeconds: number): Promise<void> {
    await this.db.query('INSERT INTO identity.sign_in_failures (key) SELECT unnest($1::text[])', [keys]);
    // Old rows of these keys go now; everyone's old rows now and then.
    const everyone = Math.random() < 0.02;
    await this.db.query(
      `DELETE FROM identity.sign_in_failures WHERE ($1 OR key = ANY($2::text[])) AND failed_at < now() - make_interval(secs => $3)`,
      [everyone, keys, windowSeconds],
    );
  }

  async clearFailures(key: string): Promise<void> {
    // Most sign-ins follow no failure: check with a read before writing (and committing) anything.
    const rows: unknown[] = await this.db.query('SELECT 1 FROM identity.sign_in_failures WHERE key = $1 LIMIT 1', [key]);
    if (rows.length > 0) await this.db.query('DELETE FROM identity.sign_in_failures WHERE key = $1', [key]);
  }
}
