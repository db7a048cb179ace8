import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredCredential {
  id: string;
  userId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  deviceName: string;
  createdAt: Date;
  lastUsedAt?: Date;
}

export type NewCredential = Omit<StoredCredential, 'createdAt' | 'lastUsedAt'>;

/** Registered passkeys. An abstract class so services can be tested with an in-memory fake. */
export abstract class CredentialRepository {
  abstract findById(id: string): Promise<StoredCredential | null>;
  abstract listByUser(userId: string): Promise<StoredCredential[]>;
  /** Stores a new credential; returns null when that credential id is already registered. */
  abstract insert(credential: NewCredential): Promise<StoredCredential | null>;
  /** Records a successful use: the counter only ever grows. */
  abstract recordUse(id: string, counter: number, at: Date): Promise<void>;
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
}

const Columns = 'id, user_id, public_key, counter, transports, device_name, created_at, last_used_at';

@Injectable()
export class PostgresCredentialRepository extends CredentialRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {
    super();
  }

  async findById(id: string): Promise<StoredCredential | null> {
    const rows: CredentialRow[] = await this.db.query(`SELECT ${Columns} FROM verification.credentials WHERE id = $1`, [id]);
    return rows[0] ? toCredential(rows[0]) : null;
  }

  async listByUser(userId: string): Promise<StoredCredential[]> {
    const rows: CredentialRow[] = await this.db.query(
      `SELECT ${Columns} FROM verification.credentials WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(toCredential);
  }

  async insert(c: NewCredential): Promise<StoredCredential | null> {
    const rows: CredentialRow[] = await this.db.query(
      `INSERT INTO verification.credentials (id, user_id, public_key, counter, transports, device_name)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${Columns}`,
      [c.id, c.userId, Buffer.from(c.publicKey), c.counter, c.transports, c.deviceName],
    );
    return rows[0] ? toCredential(rows[0]) : null;
  }

  async recordUse(id: string, counter: number, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE verification.credentials SET counter = greatest(counter, $2), last_used_at = greatest(last_used_at, $3) WHERE id = $1',
      [id, counter, at],
    );
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
  };
}
