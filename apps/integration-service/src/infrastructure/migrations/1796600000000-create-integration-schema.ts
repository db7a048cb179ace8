import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and their delivery log. A secret must be kept readable (HMAC signs with it),
 * so it is as sensitive as the database itself; it is never logged and shown to admins only once.
 * The log holds event ids and types, never the events' bodies (those stay on the stream).
 */
export class CreateIntegrationSchema1796600000000 implements MigrationInterface {
  name = 'CreateIntegrationSchema1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integration.webhook_endpoints (
        id                          uuid PRIMARY KEY,
        url                         text NOT NULL,
        description                 text,
        event_types                 text[] NOT NULL,
        course_ids                  uuid[],
        secret                      text NOT NULL,
        previous_secret             text,
        previous_secret_expires_at  timestamptz,
        enabled                     boolean NOT NULL DEFAULT true,
        disabled_reason             text,
        created_by                  uuid NOT NULL,
        created_at                  timestamptz NOT NULL,
        updated_at                  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE integration.webhook_deliveries (
        endpoint_id       uuid NOT NULL REFERENCES integration.webhook_endpoints(id) ON DELETE CASCADE,
        event_id          text NOT NULL,
        event_type        text NOT NULL,
        status            text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts          integer NOT NULL DEFAULT 0,
        last_status_code  integer,
        last_error        text,
        last_attempt_at   timestamptz,
        next_attempt_at   timestamptz,
        created_at        timestamptz NOT NULL,
        PRIMARY KEY (endpoint_id, event_id)
      )`);
    await q.query('CREATE INDEX webhook_deliveries_recent ON integration.webhook_deliveries (endpoint_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE integration.webhook_deliveries');
    await q.query('DROP TABLE integration.webhook_endpoints');
  }
}
