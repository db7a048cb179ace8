import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';
import type { CredentialStatus } from '../passkeys/credential.repository.js';

/** A passkey as the person may see it: never its public key or its signature counter. */
export interface PasskeyRecord {
  id: string;
  deviceName: string;
  status: CredentialStatus;
  createdAt: Date;
  lastUsedAt: Date | null;
  decidedAt: Date | null;
}

export interface ErasedRows {
  passkeys: number;
  /** Whether the person's device binding was there to delete. */
  deviceBinding: boolean;
}

/** What this service holds in Postgres about one person, to export or to erase. */
export abstract class PersonRecords {
  abstract passkeysOf(userId: string): Promise<PasskeyRecord[]>;
  abstract deviceBoundAt(userId: string): Promise<Date | null>;
  /** Deletes the person's passkeys and device binding together; deleting again finds nothing. */
  abstract erase(userId: string): Promise<ErasedRows>;
}

/** The Redis keys named after one person (see RedisKeys.ofUser). */
export abstract class PersonKeys {
  /** Returns how many existed. */
  abstract forget(userId: string): Promise<number>;
}

interface PasskeyRow {
  id: string;
  device_name: string;
  status: CredentialStatus;
  created_at: Date;
  last_used_at: Date | null;
  decided_at: Date | null;
}

@Injectable()
export class PostgresPersonRecords extends PersonRecords {
  constructor(@Inject(DataSource) private readonly db: DataSource) {
    super();
  }

  async passkeysOf(userId: string): Promise<PasskeyRecord[]> {
    // Only the columns the person is shown: the key material never leaves the database on this path.
    const rows: PasskeyRow[] = await this.db.query(
      `SELECT id, device_name, status, created_at, last_used_at, decided_at
         FROM verification.credentials WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      deviceName: r.device_name,
      status: r.status,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      decidedAt: r.decided_at,
    }));
  }

  async deviceBoundAt(userId: string): Promise<Date | null> {
    const rows: { bound_at: Date }[] = await this.db.query('SELECT bound_at FROM verification.device_bindings WHERE user_id = $1', [userId]);
    return rows[0]?.bound_at ?? null;
  }

  async erase(userId: string): Promise<ErasedRows> {
    // One transaction: a half-done erasure would leave a binding without passkeys, which reads as
    // "this person had a device" and makes any new passkey wait for approval.
    return this.db.transaction(async (tx) => {
      // TypeORM answers a DELETE with [rows, affected].
      const [, passkeys] = (await tx.query('DELETE FROM verification.credentials WHERE user_id = $1', [userId])) as [unknown, number];
      const [, bindings] = (await tx.query('DELETE FROM verification.device_bindings WHERE user_id = $1', [userId])) as [unknown, number];
      return { passkeys, deviceBinding: bindings > 0 };
    });
  }
}

@Injectable()
export class RedisPersonKeys extends PersonKeys {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {
    super();
  }

  forget(userId: string): Promise<number> {
    return this.redis.del(...this.keys.ofUser(userId));
  }
}
