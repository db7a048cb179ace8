import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '@classconnect/contracts';
import type { UserRecord } from '../accounts/user.repository.js';
import { updatedRows } from './sign-in.repository.js';

/** A password hash nobody can match (argon2 refuses it as malformed): accounts created by single sign-on have no password. */
export const NoPasswordHash = '!sso-only';

export interface ExternalIdentity {
  issuer: string;
  subject: string;
}

/** The account queries sign-in needs beyond UserRepository: by id, disabling, and links to the identity provider. */
export abstract class SignInAccounts {
  abstract findById(id: string): Promise<UserRecord | null>;
  /** Sets the status; returns the previous one, or null when there is no such account. */
  abstract setDisabled(id: string, disabled: boolean): Promise<boolean | null>;
  abstract findByExternal(identity: ExternalIdentity): Promise<UserRecord | null>;
  /** Links the provider's (issuer, subject) to the account, and notes the sign-in. */
  abstract link(identity: ExternalIdentity, userId: string): Promise<void>;
  /** Creates an account for a person the provider vouches for, linked to it; null when the email is taken meanwhile. */
  abstract createLinked(identity: ExternalIdentity, email: string, name: string, role: Role): Promise<UserRecord | null>;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  disabled: boolean;
}

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  passwordHash: row.password_hash,
  disabled: row.disabled,
});

@Injectable()
export class PostgresSignInAccounts extends SignInAccounts {
  constructor(@Inject(DataSource) private readonly db: DataSource) {
    super();
  }

  async findById(id: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.db.query('SELECT id, email, name, role, password_hash, disabled FROM identity.users WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean | null> {
    const result: unknown = await this.db.query(
      `UPDATE identity.users u SET disabled = $2 FROM identity.users old
        WHERE u.id = $1 AND old.id = u.id RETURNING old.disabled AS previous`,
      [id, disabled],
    );
    const rows = updatedRows<{ previous: boolean }>(result);
    return rows[0] ? rows[0].previous : null;
  }

  async findByExternal({ issuer, subject }: ExternalIdentity): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.db.query(
      `SELECT u.id, u.email, u.name, u.role, u.password_hash, u.disabled
         FROM identity.external_identities x JOIN identity.users u ON u.id = x.user_id
        WHERE x.issuer = $1 AND x.subject = $2`,
      [issuer, subject],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async link({ issuer, subject }: ExternalIdentity, userId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO identity.external_identities (issuer, subject, user_id, last_sign_in_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (issuer, subject) DO UPDATE SET last_sign_in_at = now()`,
      [issuer, subject, userId],
    );
  }

  createLinked(identity: ExternalIdentity, email: string, name: string, role: Role): Promise<UserRecord | null> {
    return this.db.transaction(async (m) => {
      const rows: UserRow[] = await m.query(
        `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id, email, name, role, password_hash, disabled`,
        [email.toLowerCase(), name, role, NoPasswordHash],
      );
      if (!rows[0]) return null;
      await m.query('INSERT INTO identity.external_identities (issuer, subject, user_id, last_sign_in_at) VALUES ($1, $2, $3, now())', [
        identity.issuer,
        identity.subject,
        rows[0].id,
      ]);
      return toRecord(rows[0]);
    });
  }
}
