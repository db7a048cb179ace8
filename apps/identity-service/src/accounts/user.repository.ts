import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role, UserSummary } from '@classconnect/contracts';

export interface UserRecord extends UserSummary {
  /** null: the account signs in with single sign-on or a passkey only. */
  passwordHash: string | null;
  disabled: boolean;
}

/** Reads accounts. A port, so the services can be tested with an in-memory fake. */
export abstract class UserRepository {
  /** The account with this (lower-case) email, or null. */
  abstract findByEmail(email: string): Promise<UserRecord | null>;
  /** The accounts among these ids; unknown ids are left out. */
  abstract findByIds(ids: readonly string[]): Promise<UserSummary[]>;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: boolean;
}

@Injectable()
export class PostgresUserRepository extends UserRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.db.query(
      'SELECT id, email, name, role, password_hash, disabled FROM identity.users WHERE email = $1',
      [email.toLowerCase()],
    );
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, email: row.email, name: row.name, role: row.role, passwordHash: row.password_hash, disabled: row.disabled };
  }

  async findByIds(ids: readonly string[]): Promise<UserSummary[]> {
    if (ids.length === 0) return [];
    return this.db.query('SELECT id, email, name, role FROM identity.users WHERE id = ANY($1::uuid[]) ORDER BY name, id', [
      [...new Set(ids)],
    ]);
  }
}
