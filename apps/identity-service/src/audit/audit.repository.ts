import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntry } from '@classconnect/contracts';
import type { AuditRecord } from './audit-entry.js';

export interface AuditQuery {
  limit: number;
  before?: number;
  action?: string;
  actorId?: string;
  targetId?: string;
}

/** The audit log and the names its sentences use. A port, so the service can be tested with a fake. */
export abstract class AuditRepository {
  /** Records an entry once per source event; false when it was already recorded. */
  abstract record(record: AuditRecord & { summary: string; names: Record<string, string> }): Promise<boolean>;
  /** Names of these accounts and courses (unknown ids are left out). */
  abstract names(userIds: readonly string[], courseIds: readonly string[]): Promise<{ users: Map<string, string>; courses: Map<string, string> }>;
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

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class PostgresAuditRepository extends AuditRepository {
  constructor(private readonly db: DataSource) {
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

  async names(userIds: readonly string[], courseIds: readonly string[]) {
    const valid = (ids: readonly string[]) => [...new Set(ids.filter((id) => uuid.test(id)))];
    const [users, courses]: [{ id: string; name: string }[], { id: string; name: string }[]] = await Promise.all([
      valid(userIds).length ? this.db.query('SELECT id, name FROM identity.users WHERE id = ANY($1::uuid[])', [valid(userIds)]) : [],
      valid(courseIds).length ? this.db.query('SELECT id, code AS name FROM identity.courses WHERE id = ANY($1::uuid[])', [valid(courseIds)]) : [],
    ]);
    return { users: new Map(users.map((u) => [u.id, u.name])), courses: new Map(courses.map((c) => [c.id, c.name])) };
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
