/**
 * Postgres schema `integration`: the endpoints (webhook_endpoints) and the delivery log
 * (webhook_deliveries, one row per endpoint and event: its state and its last attempt).
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description?: string;
  eventTypes: string[];
  courseIds?: string[];
  secret: string;
  previousSecret?: string;
  previousSecretExpiresAt?: Date;
  enabled: boolean;
  disabledReason?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryRecord {
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptAt?: Date;
  nextAttemptAt?: Date;
  createdAt: Date;
}

export type DeliveryUpdate = Pick<DeliveryRecord, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'lastAttemptAt' | 'nextAttemptAt'>;

export abstract class EndpointStore {
  abstract list(): Promise<WebhookEndpoint[]>;
  abstract get(id: string): Promise<WebhookEndpoint | undefined>;
  /** The endpoints one person registered, oldest first. */
  abstract createdBy(userId: string): Promise<WebhookEndpoint[]>;
  abstract insert(endpoint: WebhookEndpoint): Promise<void>;
  /** Writes every field of an existing endpoint. */
  abstract save(endpoint: WebhookEndpoint): Promise<void>;
  /** False when there was none. Its delivery log goes with it. */
  abstract delete(id: string): Promise<boolean>;
  /** Turns it off with why (a 410 from the receiver), unless it is already off. */
  abstract disable(id: string, reason: string, at: Date): Promise<void>;
}

export abstract class DeliveryLog {
  /** The delivery's record, created `pending` with no attempt on first sight. */
  abstract begin(endpointId: string, eventId: string, eventType: string, at: Date): Promise<DeliveryRecord>;
  abstract update(endpointId: string, eventId: string, update: DeliveryUpdate): Promise<void>;
  /** Newest first. */
  abstract recent(endpointId: string, limit: number): Promise<DeliveryRecord[]>;
}

type EndpointRow = {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  course_ids: string[] | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    url: r.url,
    ...(r.description !== null ? { description: r.description } : {}),
    eventTypes: r.event_types,
    ...(r.course_ids !== null ? { courseIds: r.course_ids } : {}),
    secret: r.secret,
    ...(r.previous_secret !== null ? { previousSecret: r.previous_secret } : {}),
    ...(r.previous_secret_expires_at !== null ? { previousSecretExpiresAt: r.previous_secret_expires_at } : {}),
    enabled: r.enabled,
    ...(r.disabled_reason !== null ? { disabledReason: r.disabled_reason } : {}),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function endpointParams(e: WebhookEndpoint): unknown[] {
  return [
    e.id,
    e.url,
    e.description ?? null,
    e.eventTypes,
    e.courseIds ?? null,
    e.secret,
    e.previousSecret ?? null,
    e.previousSecretExpiresAt ?? null,
    e.enabled,
    e.disabledReason ?? null,
    e.createdBy,
    e.createdAt,
    e.updatedAt,
  ];
}

@Injectable()
export class PostgresEndpointStore extends EndpointStore {
  constructor(@Inject(DataSource) private readonly db: DataSource) {
    super();
  }

  async list(): Promise<WebhookEndpoint[]> {
    const rows: EndpointRow[] = await this.db.query('SELECT * FROM integration.webhook_endpoints ORDER BY created_at, id');
    return rows.map(toEndpoint);
  }

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const rows: EndpointRow[] = await this.db.query('SELECT * FROM integration.webhook_endpoints WHERE id = $1', [id]);
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  async createdBy(userId: string): Promise<WebhookEndpoint[]> {
    const rows: EndpointRow[] = await this.db.query('SELECT * FROM integration.webhook_endpoints WHERE created_by = $1 ORDER BY created_at, id', [userId]);
    return rows.map(toEndpoint);
  }

  async insert(e: WebhookEndpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO integration.webhook_endpoints
         (id, url, description, event_types, course_ids, secret, previous_secret, previous_secret_expires_at, enabled, disabled_reason, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      endpointParams(e),
    );
  }

  async save(e: WebhookEndpoint): Promise<void> {
    await this.db.query(
      `UPDATE integration.webhook_endpoints
          SET url = $2, description = $3, event_types = $4, course_ids = $5, secret = $6, previous_secret = $7,
              previous_secret_expires_at = $8, enabled = $9, disabled_reason = $10, created_by = $11, created_at = $12, updated_at = $13
        WHERE id = $1`,
      endpointParams(e),
    );
  }

  async delete(id: string): Promise<boolean> {
    const [, count] = (await this.db.query('DELETE FROM integration.webhook_endpoints WHERE id = $1', [id])) as [unknown, number];
    return count > 0;
  }

  async disable(id: string, reason: string, at: Date): Promise<void> {
    await this.db.query('UPDATE integration.webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = $3 WHERE id = $1 AND enabled', [id, reason, at]);
  }
}

type DeliveryRow = {
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
};

function toDelivery(r: DeliveryRow): DeliveryRecord {
  return {
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    ...(r.last_status_code !== null ? { lastStatusCode: r.last_status_code } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    ...(r.last_attempt_at !== null ? { lastAttemptAt: r.last_attempt_at } : {}),
    ...(r.next_attempt_at !== null ? { nextAttemptAt: r.next_attempt_at } : {}),
    createdAt: r.created_at,
  };
}

@Injectable()
export class PostgresDeliveryLog extends DeliveryLog {
  constructor(@Inject(DataSource) private readonly db: DataSource) {
    super();
  }

  async begin(endpointId: string, eventId: string, eventType: string, at: Date): Promise<DeliveryRecord> {
    // An endpoint deleted meanwhile has no log to write to: the caller finds it gone and acks.
    const rows: DeliveryRow[] = await this.db.query(
      `WITH inserted AS (
         INSERT INTO integration.webhook_deliveries (endpoint_id, event_id, event_type, status, attempts, created_at)
         SELECT $1, $2, $3, 'pending', 0, $4 WHERE EXISTS (SELECT 1 FROM integration.webhook_endpoints WHERE id = $1)
         ON CONFLICT (endpoint_id, event_id) DO NOTHING
         RETURNING *)
       SELECT * FROM inserted
       UNION ALL
       SELECT * FROM integration.webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      [endpointId, eventId, eventType, at],
    );
    if (!rows[0]) throw new EndpointGoneError(endpointId);
    return toDelivery(rows[0]);
  }

  async update(endpointId: string, eventId: string, u: DeliveryUpdate): Promise<void> {
    await this.db.query(
      `UPDATE integration.webhook_deliveries
          SET status = $3, attempts = $4, last_status_code = $5, last_error = $6, last_attempt_at = $7, next_attempt_at = $8
        WHERE endpoint_id = $1 AND event_id = $2`,
      [endpointId, eventId, u.status, u.attempts, u.lastStatusCode ?? null, u.lastError ?? null, u.lastAttemptAt ?? null, u.nextAttemptAt ?? null],
    );
  }

  async recent(endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows: DeliveryRow[] = await this.db.query(
      'SELECT * FROM integration.webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at DESC, event_id LIMIT $2',
      [endpointId, limit],
    );
    return rows.map(toDelivery);
  }
}

/** The endpoint was deleted while one of its deliveries was under way. */
export class EndpointGoneError extends Error {
  override name = 'EndpointGoneError';
  constructor(readonly endpointId: string) {
    super(`webhook endpoint ${endpointId} no longer exists`);
  }
}
