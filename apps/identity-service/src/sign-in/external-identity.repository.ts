import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '../infrastructure/queryable.js';
import type { ExternalIdentity } from '../users/user.repository.js';

/**
 * Links between the identity provider's (issuer, subject) and our accounts. Finding the account of a
 * link, and creating an account with its link, return accounts: they are UserRepository's.
 */
export abstract class ExternalIdentityRepository {
  /** Links the provider's (issuer, subject) to the account, and notes the sign-in. */
  abstract link(identity: ExternalIdentity, userId: string): Promise<void>;
}

@Injectable()
export class PostgresExternalIdentityRepository extends ExternalIdentityRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async link({ issuer, subject }: ExternalIdentity, userId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO identity.external_identities (issuer, subject, user_id, last_sign_in_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (issuer, subject) DO UPDATE SET last_sign_in_at = now()`,
      [issuer, subject, userId],
    );
  }
}
