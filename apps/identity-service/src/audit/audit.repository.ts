import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntry } from '@classconnect/contracts';
import type { Queryable } from '../infrastructure/queryable.js';
import type { AuditRecord } from './audit-entry.js';

export interface AuditQuery {
  limit: number;
  before?: number;
  action?: string;
  actorId?: string;
  targetId?: string;
}

/** The audit log (the names its sentences use come from the users' and courses' repositories). A port, so the service can be tested with a fake. */
export abstract class AuditRepository {
  /** Records an entry once per source event; false when it was already recorded. */
  abstract record(record: AuditRecord & { summary: string; names: Record<string, string> }): Promise<boolean>;
  /** Newest first. */
  abstract list(query: AuditQuery): Promise<AuditEntry[]>;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  summary: string;
  details: Record<string, unknown>;
  names: Record<string, string>;
}

@Injectable()
export class PostgresAuditRepository extends AuditRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async record(r: AuditRecord & { summary: string; names: Record<string, string> }): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO identity.audit_log (source_event_id, at, actor_id, action, target_type, target_id, summary, details, names)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
       ON CONFLICT (source_event_id) DO NOTHING
       RETURNING id`,
      [r.sourceEventId, r.at, r.actorId, r.action, r.targetType, r.targetId, r.summary, JSON.stringify(r.details), JSON.stringify(r.names)],
    );
    return rows.length > 0;
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const rows: AuditRow[] = await this.db.query(
      `SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.action, a.target_type, a.target_id, a.summary, a.details, a.names
         FROM identity.audit_log a LEFT JOIN identity.users u ON u.id = a.actor_id
        WHERE ($1::bigint IS NULL OR a.id < $1)
          AND ($2::text IS NULL OR a.action = $2)
          AND ($3::uuid IS NULL OR a.actor_id = $3)
          AND ($4::text IS NULL OR a.target_id = $4 OR a.details->>'studentId' = $4 OR a.details->>'courseId' = $4)
        ORDER BY a.id DESC
        LIMIT $5`,
      [q.before ?? null, q.action ?? null, q.actorId ?? null, q.targetId ?? null, q.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      summary: r.summary,
      details: r.details,
      names: r.names,
    }));
  }
}
