import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web Push subscriptions, one per device (its endpoint): whose, the sign-in it was made in (its
 * sign-out drops it) and the device's passkey (its removal drops it). The keys encrypt the payload
 * for that device only; they are no secret of ours.
 */
export class AddPushSubscriptions1796600000001 implements MigrationInterface {
  name = 'AddPushSubscriptions1796600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report.push_subscriptions (
        endpoint       text PRIMARY KEY,
        user_id        uuid NOT NULL,
        sign_in_id     uuid,
        credential_id  text,
        p256dh         text NOT NULL,
        auth           text NOT NULL,
        created_at     timestamptz NOT NULL,
        last_sent_at   timestamptz
      )`);
    await q.query('CREATE INDEX push_subscriptions_user ON report.push_subscriptions (user_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report.push_subscriptions');
  }
}
