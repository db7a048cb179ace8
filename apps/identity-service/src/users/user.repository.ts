import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccountView, Role, UserSummary } from '@classconnect/contracts';
import { validUuids } from '@classconnect/persistence';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';

/** An account as sign-in sees it. */
export interface UserRecord extends UserSummary {
  /** null: the account signs in with single sign-on or a passkey only. */
  passwordHash: string | null;
  disabled: boolean;
}

/** The identity provider's name for a person: (issuer, subject). */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
}

/** A password hash nobody can match (argon2 refuses it as malformed): accounts created by single sign-on have no password. */
export const NoPasswordHash = '!sso-only';

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

/** An account made by the command line (demo data, test classes): always with a password. */
export interface ProvisionedUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/**
 * Every query on identity.users, whoever needs it: sign-in, administration, roster imports, the
 * audit log's names, the command line. A port, so services can be tested with users/testing/fakes.ts.
 */
export abstract class UserRepository {
  // Sign-in
  /** The account with this email (compared in lower case), or null. */
  abstract findByEmail(email: string): Promise<UserRecord | null>;
  abstract findById(id: string): Promise<UserRecord | null>;
  /** The account linked to the identity provider's (issuer, subject), or null. */
  abstract findByExternal(identity: ExternalIdentity): Promise<UserRecord | null>;
  /** Creates an account for a person the provider vouches for, linked to it; null when the email is taken meanwhile. */
  abstract createLinked(identity: ExternalIdentity, email: string, name: string, role: Role): Promise<UserRecord | null>;
  /** Sets the status; returns the previous one, or null when there is no such account (or it was erased). */
  abstract setDisabled(id: string, disabled: boolean): Promise<boolean | null>;

  // Lookups
  /** The accounts among these ids, by name; unknown ids are left out. */
  abstract findByIds(ids: readonly string[]): Promise<UserSummary[]>;
  /** The accounts with these emails (compared as given); unknown emails are left out. */
  abstract findByEmails(emails: readonly string[]): Promise<UserSummary[]>;
  /** Of these ids, the ones that are not teacher accounts. */
  abstract notTeachers(ids: readonly string[]): Promise<string[]>;
  /** Names of these accounts; ids that are unknown or not uuids are left out. */
  abstract names(ids: readonly string[]): Promise<Map<string, string>>;

  // Administration
  /** The new account, or null when another account has this email. */
  abstract create(account: NewAccount): Promise<AccountView | null>;
  /** The changed account, or null when there is no such account (or it was erased: it cannot be changed again). */
  abstract update(userId: string, changes: AccountChanges): Promise<AccountView | null>;
  abstract search(search: AccountSearch): Promise<{ users: AccountView[]; total: number }>;

  // Roster imports and the command line
  /** Creates student accounts without a password; emails that already have an account are left as they are. */
  abstract createStudents(accounts: readonly { email: string; name: string }[]): Promise<{ id: string; email: string }[]>;
  /** Creates the account, or brings an existing one (same email) back to the given state. Returns its id. */
  abstract upsert(user: ProvisionedUser): Promise<string>;
  /** Inserts new accounts in batches. Returns their ids in the order given. */
  abstract insertMany(users: readonly ProvisionedUser[]): Promise<string[]>;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  disabled: boolean;
}

const RecordColumns = 'id, email, name, role, password_hash, disabled';

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  passwordHash: row.password_hash,
  disabled: row.disabled,
});

interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  has_password: boolean;
  created_at: Date;
  erased_at: Date | null;
  total?: string;
}

/** An erased account keeps a placeholder email (users.email is unique and required); nobody is shown it. */
const VisibleEmail = "CASE WHEN erased_at IS NULL THEN email ELSE '' END AS email";
const AccountColumns = `id, ${VisibleEmail}, name, role, disabled, password_hash IS NOT NULL AS has_password, created_at, erased_at`;

function toView(row: AccountRow): AccountView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    hasPassword: row.has_password,
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.erased_at ? { erasedAt: new Date(row.erased_at).toISOString() } : {}),
  };
}

/** `%` and `_` are wildcards in LIKE: a search for them matches them literally. */
function likePattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** How many rows one INSERT of the command line carries: large enough to be fast, small enough to keep statements modest. */
const BatchSize = 1_000;

@Injectable()
export class PostgresUserRepository extends UserRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.db.query(`SELECT ${RecordColumns} FROM identity.users WHERE email = $1`, [email.toLowerCase()]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.db.query(`SELECT ${RecordColumns} FROM identity.users WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
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

  createLinked(identity: ExternalIdentity, email: string, name: string, role: Role): Promise<UserRecord | null> {
    return this.db.transaction(async (m) => {
      const rows: UserRow[] = await m.query(
        `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING ${RecordColumns}`,
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

  async setDisabled(id: string, disabled: boolean): Promise<boolean | null> {
    const result: unknown = await this.db.query(
      `UPDATE identity.users u SET disabled = $2, disabled_at = CASE WHEN $2 THEN coalesce(old.disabled_at, now()) END FROM identity.users old
        WHERE u.id = $1 AND old.id = u.id AND u.erased_at IS NULL RETURNING old.disabled AS previous`,
      [id, disabled],
    );
    const rows = updatedRows<{ previous: boolean }>(result);
    return rows[0] ? rows[0].previous : null;
  }

  async findByIds(ids: readonly string[]): Promise<UserSummary[]> {
    if (ids.length === 0) return [];
    return this.db.query(`SELECT id, ${VisibleEmail}, name, role FROM identity.users WHERE id = ANY($1::uuid[]) ORDER BY name, id`, [[...new Set(ids)]]);
  }

  async findByEmails(emails: readonly string[]): Promise<UserSummary[]> {
    if (emails.length === 0) return [];
    return this.db.query('SELECT id, email, name, role FROM identity.users WHERE email = ANY($1::text[])', [[...new Set(emails)]]);
  }

  async notTeachers(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await this.db.query(
      `SELECT x.id FROM unnest($1::uuid[]) AS x(id)
        WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = x.id AND u.role = 'teacher')`,
      [[...new Set(ids)]],
    );
    return rows.map((r) => r.id);
  }

  async names(ids: readonly string[]): Promise<Map<string, string>> {
    const valid = validUuids(ids);
    const rows: { id: string; name: string }[] = valid.length ? await this.db.query('SELECT id, name FROM identity.users WHERE id = ANY($1::uuid[])', [valid]) : [];
    return new Map(rows.map((u) => [u.id, u.name]));
  }

  async create(a: NewAccount): Promise<AccountView | null> {
    const rows: AccountRow[] = await this.db.query(
      `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING
       RETURNING ${AccountColumns}`,
      [a.email, a.name, a.role, a.passwordHash],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async update(userId: string, c: AccountChanges): Promise<AccountView | null> {
    const rows = updatedRows<AccountRow>(
      await this.db.query(
        `UPDATE identity.users
            SET name = coalesce($2, name), role = coalesce($3, role), password_hash = coalesce($4, password_hash)
          WHERE id = $1 AND erased_at IS NULL
          RETURNING ${AccountColumns}`,
        [userId, c.name ?? null, c.role ?? null, c.passwordHash ?? null],
      ),
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async search(s: AccountSearch): Promise<{ users: AccountView[]; total: number }> {
    const rows: AccountRow[] = await this.db.query(
      `SELECT ${AccountColumns}, count(*) OVER () AS total
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

  async createStudents(accounts: readonly { email: string; name: string }[]): Promise<{ id: string; email: string }[]> {
    if (accounts.length === 0) return [];
    return this.db.query(
      `INSERT INTO identity.users (email, name, role, password_hash)
       SELECT email, name, 'student', NULL FROM unnest($1::text[], $2::text[]) AS a (email, name)
       ON CONFLICT (email) DO NOTHING
       RETURNING id, email`,
      [accounts.map((a) => a.email), accounts.map((a) => a.name)],
    );
  }

  async upsert(user: ProvisionedUser): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO UPDATE
         SET name = EXCLUDED.name, role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, disabled = false
       RETURNING id`,
      [user.email.toLowerCase(), user.name, user.role, user.passwordHash],
    );
    return rows[0]!.id;
  }

  async insertMany(users: readonly ProvisionedUser[]): Promise<string[]> {
    const idByEmail = new Map<string, string>();
    for (let start = 0; start < users.length; start += BatchSize) {
      const batch = users.slice(start, start + BatchSize);
      const rows: { id: string; email: string }[] = await this.db.query(
        `INSERT INTO identity.users (email, name, role, password_hash)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         RETURNING id, email`,
        [batch.map((u) => u.email.toLowerCase()), batch.map((u) => u.name), batch.map((u) => u.role), batch.map((u) => u.passwordHash)],
      );
      for (const row of rows) idByEmail.set(row.email, row.id);
    }
    return users.map((u) => idByEmail.get(u.email.toLowerCase())!);
  }
}
