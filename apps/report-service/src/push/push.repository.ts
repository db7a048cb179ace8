import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PushStore, type StoredSubscription } from './push.ports.js';

interface Row {
  endpoint: string;
  user_id: string;
  sign_in_id: string | null;
  credential_id: string | null;
  p256dh: string;
  auth: string;
}

@Injectable()
export class PushRepository extends PushStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async save(s: StoredSubscription, at: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO report.push_subscriptions (endpoint, user_id, sign_in_id, credential_id, p256dh, auth, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = $2, sign_in_id = $3, credential_id = $4, p256dh = $5, auth = $6, created_at = $7`,
      [s.endpoint, s.userId, s.signInId ?? null, s.credentialId ?? null, s.keys.p256dh, s.keys.auth, at],
    );
  }

  async ofUsers(userIds: string[]): Promise<StoredSubscription[]> {
    if (userIds.length === 0) return [];
    const rows = (await this.ds.query('SELECT * FROM report.push_subscriptions WHERE user_id = ANY($1::uuid[])', [userIds])) as Row[];
    return rows.map((r) => ({
      endpoint: r.endpoint,
      userId: r.user_id,
      ...(r.sign_in_id ? { signInId: r.sign_in_id } : {}),
      ...(r.credential_id ? { credentialId: r.credential_id } : {}),
      keys: { p256dh: r.p256dh, auth: r.auth },
    }));
  }

  async removeEndpoint(endpoint: string, userId?: string): Promise<boolean> {
    const [, n] = (await this.ds.query(
      `DELETE FROM report.push_subscriptions WHERE endpoint = $1 ${userId ? 'AND user_id = $2' : ''}`,
      userId ? [endpoint, userId] : [endpoint],
    )) as [unknown, number];
    return n > 0;
  }

  async removeSignIns(userId: string, signInIds: string[]): Promise<number> {
    const [, n] = (await this.ds.query('DELETE FROM report.push_subscriptions WHERE user_id = $1 AND sign_in_id = ANY($2::uuid[])', [userId, signInIds])) as [unknown, number];
    return n;
  }

  async removeUser(userId: string): Promise<number> {
    const [, n] = (await this.ds.query('DELETE FROM report.push_subscriptions WHERE user_id = $1', [userId])) as [unknown, number];
    return n;
  }

  async removeCredential(userId: string, credentialId: string): Promise<number> {
    const [, n] = (await this.ds.query('DELETE FROM report.push_subscriptions WHERE user_id = $1 AND credential_id = $2', [userId, credentialId])) as [unknown, number];
    return n;
  }

  async markSent(endpoints: string[], at: string): Promise<void> {
    if (endpoints.length) await this.ds.query('UPDATE report.push_subscriptions SET last_sent_at = $2 WHERE endpoint = ANY($1::text[])', [endpoints, at]);
  }
}
