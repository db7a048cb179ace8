import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccountView, Role } from '@classconnect/contracts';

export interface NewAccount {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
}

export interface AccountChanges {
  name?: string;
  role?: Role;
  passwordHash?: string;
}

export interface AccountSearch {
  query?: string;
  role?: Role;
  limit: number;
  offset: number;
}

/** Creates, changes and finds accounts for administration. A port, so the service can be tested with a fake. */
export abstract class PeopleRepository {
  /** The new account, or null when another account has this email. */
  abstract create(account: NewAccount): Promise<AccountView | null>;
  /** The changed account, or null when there is no such account. */
  abstract update(userId: string, changes: AccountChanges): Promise<AccountView | null>;
  abstract search(search: AccountSearch): Promise<{ users: AccountView[]; total: number }>;
}

interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  has_password: boolean;
  created_at: Date;
  total?: string;
}

const Columns = 'id, email, name, role, disabled, password_hash IS NOT NULL AS has_password, created_at';

function toView(row: AccountRow): AccountView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    hasPassword: row.has_password,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** `%` and `_` are wildcards in LIKE: a search for them matches them literally. */
function likePattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@Injectable()
export class PostgresPeopleRepository extends PeopleRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  async create(a: NewAccount): Promise<AccountView | null> {
    const rows: AccountRow[] = await this.db.query(
      `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING
       RETURNING ${Columns}`,
      [a.email, a.name, a.role, a.passwordHash],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async update(userId: string, c: AccountChanges): Promise<AccountView | null> {
    // typeorm answers an UPDATE with [rows, affected count].
    const [rows]: [AccountRow[], number] = await this.db.query(
      `UPDATE identity.users
          SET name = coalesce($2, name), role = coalesce($3, role), password_hash = coalesce($4, password_hash)
        WHERE id = $1
        RETURNING ${Columns}`,
      [userId, c.name ?? null, c.role ?? null, c.passwordHash ?? null],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async search(s: AccountSearch): Promise<{ users: AccountView[]; total: number }> {
    const rows: AccountRow[] = await this.db.query(
      `SELECT ${Columns}, count(*) OVER () AS total
         FROM identity.users
        WHERE ($1::text IS NULL OR lower(name) LIKE $1 OR email LIKE $1)
          AND ($2::text IS NULL OR role = $2)
        ORDER BY name, email
        LIMIT $3 OFFSET $4`,
      [s.query ? likePattern(s.query) : null, s.role ?? null, s.limit, s.offset],
    );
    if (rows.length === 0 && s.offset > 0) {
      // Past the last page: still say how many match.
      const [{ n }] = (await this.db.query(
        `SELECT count(*) AS n FROM identity.users WHERE ($1::text IS NULL OR lower(name) LIKE $1 OR email LIKE $1) AND ($2::text IS NULL OR role = $2)`,
        [s.query ? likePattern(s.query) : null, s.role ?? null],
      )) as { n: string }[];
      return { users: [], total: Number(n) };
    }
    return { users: rows.map(toView), total: Number(rows[0]?.total ?? 0) };
  }
}
