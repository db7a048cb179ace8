import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { validUuids } from '@classconnect/persistence';
import { CredentialCache } from './credential-cache.js';

export type CredentialStatus = 'approved' | 'pending' | 'denied';

export interface StoredCredential {
  id: string;
  userId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  deviceName: string;
  createdAt: Date;
  lastUsedAt?: Date;
  /** Only approved passkeys check in. */
  status: CredentialStatus;
  decidedBy?: string;
  decidedAt?: Date;
}

export type NewCredential = Omit<StoredCredential, 'createdAt' | 'lastUsedAt' | 'status' | 'decidedBy' | 'decidedAt'>;

/** Registered passkeys. An abstract class so services can be tested with an in-memory fake. */
export abstract class CredentialRepository {
  abstract findById(id: string): Promise<StoredCredential | null>;
  abstract listByUser(userId: string): Promise<StoredCredential[]>;
  /**
   * The user's passkeys as a check-in offers them: ids, transports and status are current, the
   * counter and last use may not be (they may come from memory). listByUser where nothing is remembered.
   */
  listForCheckin(userId: string): Promise<StoredCredential[]> {
    return this.listByUser(userId);
  }
  /**
   * Stores a new credential and binds its owner to a device, in one transaction. The owner's first
   * credential ever (no earlier binding, even of a passkey since removed) is approved; a later one
   * is approved only when `laterNeedsApproval` is false, else pending. Returns null when that
   * credential id is already registered (nothing changes then).
   */
  abstract insert(credential: NewCredential, laterNeedsApproval?: boolean): Promise<StoredCredential | null>;
  /** Deletes one of the user's credentials; false when the user has no credential with that id. */
  abstract remove(id: string, userId: string): Promise<boolean>;
  /** Every pending credential, oldest first; only those of `userIds` when given. */
  abstract listPending(userIds?: string[]): Promise<StoredCredential[]>;
  /** Sets a pending credential's status; returns the credential as it stands after (null when unknown). */
  abstract decide(id: string, status: 'approved' | 'denied', by: string, at: Date): Promise<StoredCredential | null>;
  /** Records a successful use: the counter only ever grows. */
  abstract recordUse(id: string, counter: number, at: Date): Promise<void>;
  /** Approved and pending passkeys per user, for those of `userIds` who have any (denied ones are not counted). */
  abstract countByUsers(userIds: readonly string[]): Promise<{ userId: string; approved: number; pending: number }[]>;
}

interface CredentialRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
  device_name: string;
  created_at: Date;
  last_used_at: Date | null;
  status: CredentialStatus;
  decided_by: string | null;
  decided_at: Date | null;
}

const Columns = 'id, user_id, public_key, counter, transports, device_name, created_at, last_used_at, status, decided_by, decided_at';

@Injectable()
export class PostgresCredentialRepository extends CredentialRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {
    super();
  }

  /** Read together with the other check-ins' lookups of the same moment (`byIds`). */
  findById(id: string): Promise<StoredCredential | null> {
    return this.byIds.add(id);
  }

  async listByUser(userId: string): Promise<StoredCredential[]> {
    const rows: CredentialRow[] = await this.db.query(
      `SELECT ${Columns} FROM verification.credentials WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(toCredential);
  }

  /**
   * The same list as listByUser, read together with the other check-ins begun at the same moment:
   * at nine o'clock a lecture hall begins at once, and each student's first check-in of the day
   * reads their passkeys here. One query for many students costs Postgres and this process far
   * less than one each.
   */
  override listForCheckin(userId: string): Promise<StoredCredential[]> {
    return this.byUsers.add(userId);
  }

  private readonly byUsers = new GroupCommit<string, StoredCredential[]>(async (given) => {
    // Every user id is a uuid (it comes from a token we signed); one that were not would fail the
    // whole batch's cast, so it gets an empty list. Postgres answers uuids in lower case.
    const userIds = given.map((u) => u.toLowerCase());
    const rows: CredentialRow[] = await this.db.query(
      `SELECT ${Columns} FROM verification.credentials WHERE user_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [validUuids(userIds)],
    );
    const lists = new Map<string, StoredCredential[]>();
    for (const row of rows) {
      const list = lists.get(row.user_id);
      if (list) list.push(toCredential(row));
      else lists.set(row.user_id, [toCredential(row)]);
    }
    return userIds.map((u) => lists.get(u) ?? []);
  });

  private readonly byIds = new GroupCommit<string, StoredCredential | null>(async (ids) => {
    const rows: CredentialRow[] = await this.db.query(`SELECT ${Columns} FROM verification.credentials WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = found.get(id);
      return row ? toCredential(row) : null;
    });
  });

  async insert(c: NewCredential, laterNeedsApproval = false): Promise<StoredCredential | null> {
    return this.db.transaction(async (tx) => {
      // The binding row is the memory that this user already had a device, even after removing it.
      const bound: unknown[] = await tx.query(
        'INSERT INTO verification.device_bindings (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING RETURNING user_id',
        [c.userId],
      );
      const status: CredentialStatus = bound.length > 0 || !laterNeedsApproval ? 'approved' : 'pending';
      const rows: CredentialRow[] = await tx.query(
        `INSERT INTO verification.credentials (id, user_id, public_key, counter, transports, device_name, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO NOTHING
         RETURNING ${Columns}`,
        [c.id, c.userId, Buffer.from(c.publicKey), c.counter, c.transports, c.deviceName, status],
      );
      if (!rows[0]) {
        // Already registered: undo the binding this attempt may have made.
        if (bound.length > 0) await tx.query('DELETE FROM verification.device_bindings WHERE user_id = $1', [c.userId]);
        return null;
      }
      return toCredential(rows[0]);
    });
  }

  async remove(id: string, userId: string): Promise<boolean> {
    // TypeORM answers an UPDATE or DELETE with [rows, affected].
    const [, affected] = (await this.db.query('DELETE FROM verification.credentials WHERE id = $1 AND user_id = $2', [id, userId])) as [unknown, number];
    return affected > 0;
  }

  async listPending(userIds?: string[]): Promise<StoredCredential[]> {
    const rows: CredentialRow[] = userIds
      ? await this.db.query(
          `SELECT ${Columns} FROM verification.credentials WHERE status = 'pending' AND user_id = ANY($1::uuid[]) ORDER BY created_at, id`,
          [userIds],
        )
      : await this.db.query(`SELECT ${Columns} FROM verification.credentials WHERE status = 'pending' ORDER BY created_at, id`);
    return rows.map(toCredential);
  }

  async decide(id: string, status: 'approved' | 'denied', by: string, at: Date): Promise<StoredCredential | null> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [updated] = (await this.db.query(
      `UPDATE verification.credentials SET status = $2, decided_by = $3, decided_at = $4
        WHERE id = $1 AND status = 'pending' RETURNING ${Columns}`,
      [id, status, by, at],
    )) as [CredentialRow[], number];
    return updated[0] ? toCredential(updated[0]) : this.findById(id);
  }

  /**
   * Uses recorded in the same turn of the event loop (many check-ins finish together at nine o'clock)
   * are written in one statement; each caller still waits for that statement's commit.
   */
  recordUse(id: string, counter: number, at: Date): Promise<void> {
    return this.uses.add({ id, counter, at });
  }

  private readonly uses = new GroupCommit<{ id: string; counter: number; at: Date }>(async (uses) => {
    // One row per passkey (a row updated twice by one UPDATE … FROM takes either value): the highest of each.
    const merged = new Map<string, { counter: number; at: Date }>();
    for (const u of uses) {
      const m = merged.get(u.id);
      merged.set(u.id, m ? { counter: Math.max(m.counter, u.counter), at: u.at > m.at ? u.at : m.at } : { counter: u.counter, at: u.at });
    }
    const ids = [...merged.keys()];
    await this.db.query(
      `UPDATE verification.credentials c
          SET counter = greatest(c.counter, u.counter), last_used_at = greatest(c.last_used_at, u.at)
         FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS u(id, counter, at)
        WHERE c.id = u.id`,
      [ids, ids.map((i) => merged.get(i)!.counter), ids.map((i) => merged.get(i)!.at)],
    );
  });

  async countByUsers(userIds: readonly string[]): Promise<{ userId: string; approved: number; pending: number }[]> {
    if (userIds.length === 0) return [];
    const rows: { user_id: string; approved: string; pending: string }[] = await this.db.query(
      `SELECT user_id, count(*) FILTER (WHERE status = 'approved') AS approved, count(*) FILTER (WHERE status = 'pending') AS pending
         FROM verification.credentials
        WHERE user_id = ANY($1::uuid[]) AND status <> 'denied'
        GROUP BY user_id`,
      [[...new Set(userIds)]],
    );
    return rows.map((r) => ({ userId: r.user_id, approved: Number(r.approved), pending: Number(r.pending) }));
  }
}

/**
 * Gathers items and hands them to `flush` together, as a group commit: the first add schedules a
 * flush at setImmediate (so nothing waits on a timer), and while a flush is running every add waits
 * for it and goes in the next one. Under load the batches grow with the store's latency instead of
 * each turn paying a query of its own; every add resolves or fails with its batch. A flush that
 * answers (a read) returns one result per item, in the items' order; each add resolves with its own.
 */
export class GroupCommit<T, R = void> {
  private pending: { item: T; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly flush: (items: T[]) => Promise<R[] | void>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.pending.push({ item, resolve, reject }) === 1 && !this.flushing) setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = true;
    try {
      const results = await this.flush(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results ? results[i]! : (undefined as R)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) setImmediate(() => void this.run());
    }
  }
}

/**
 * The passkey store with this instance's memory of passkeys in front (CredentialCache): a check-in
 * reads a passkey seen before from memory; every change goes to Postgres first, then is forgotten
 * here and announced to the other instances.
 */
@Injectable()
export class CachingCredentialRepository extends CredentialRepository {
  constructor(
    /** Postgres in the service; any store in unit specs. */
    @Inject(PostgresCredentialRepository) private readonly store: CredentialRepository,
    @Inject(CredentialCache) private readonly cache: CredentialCache,
  ) {
    super();
  }

  async findById(id: string): Promise<StoredCredential | null> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const readAt = this.cache.current();
    const found = await this.store.findById(id);
    return found ? this.cache.remember(found, readAt) : null;
  }

  listByUser(userId: string): Promise<StoredCredential[]> {
    return this.store.listByUser(userId);
  }

  override async listForCheckin(userId: string): Promise<StoredCredential[]> {
    const cached = this.cache.listOf(userId);
    if (cached) return cached;
    const readAt = this.cache.current();
    return this.cache.rememberList(userId, await this.store.listForCheckin(userId), readAt);
  }

  async insert(credential: NewCredential, laterNeedsApproval?: boolean): Promise<StoredCredential | null> {
    const stored = await this.store.insert(credential, laterNeedsApproval);
    if (stored) {
      // Every instance lists the owner's passkeys again; this one keeps the new passkey, whose first
      // check-in usually follows soon.
      this.cache.changed([stored.id], [stored.userId]);
      this.cache.remember(stored, this.cache.current());
    }
    return stored;
  }

  async remove(id: string, userId: string): Promise<boolean> {
    const removed = await this.store.remove(id, userId);
    if (removed) this.cache.changed([id], [userId]);
    return removed;
  }

  listPending(userIds?: string[]): Promise<StoredCredential[]> {
    return this.store.listPending(userIds);
  }

  async decide(id: string, status: 'approved' | 'denied', by: string, at: Date): Promise<StoredCredential | null> {
    const decided = await this.store.decide(id, status, by, at);
    if (decided) this.cache.changed([id], [decided.userId]);
    return decided;
  }

  async recordUse(id: string, counter: number, at: Date): Promise<void> {
    await this.store.recordUse(id, counter, at);
    this.cache.used(id, counter, at);
  }

  countByUsers(userIds: readonly string[]): Promise<{ userId: string; approved: number; pending: number }[]> {
    return this.store.countByUsers(userIds);
  }
}

function toCredential(row: CredentialRow): StoredCredential {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: new Uint8Array(row.public_key),
    counter: Number(row.counter),
    transports: row.transports ?? [],
    deviceName: row.device_name,
    createdAt: row.created_at,
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
    status: row.status ?? 'approved',
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: row.decided_at } : {}),
  };
}
