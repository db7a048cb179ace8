import type { ResolvedAddress } from '../ssrf-guard.js';
import { UrlRefusedError } from '../ssrf-guard.js';
import type { HttpAttempt, HttpOutcome } from '../webhook-http.js';
import { WebhookTransport } from '../webhook-transport.js';
import { DeliveryLog, EndpointGoneError, EndpointStore, type DeliveryRecord, type DeliveryUpdate, type WebhookEndpoint } from '../webhook.repository.js';

export class FakeEndpointStore extends EndpointStore {
  readonly rows = new Map<string, WebhookEndpoint>();
  async list() {
    return [...this.rows.values()];
  }
  async get(id: string) {
    return this.rows.get(id);
  }
  async createdBy(userId: string) {
    return [...this.rows.values()].filter((e) => e.createdBy === userId);
  }
  async insert(e: WebhookEndpoint) {
    this.rows.set(e.id, { ...e });
  }
  async save(e: WebhookEndpoint) {
    this.rows.set(e.id, { ...e });
  }
  async delete(id: string) {
    return this.rows.delete(id);
  }
  async disable(id: string, reason: string, at: Date) {
    const e = this.rows.get(id);
    if (e?.enabled) this.rows.set(id, { ...e, enabled: false, disabledReason: reason, updatedAt: at });
  }
}

export class FakeDeliveryLog extends DeliveryLog {
  readonly rows = new Map<string, DeliveryRecord>();
  constructor(private readonly endpoints: FakeEndpointStore) {
    super();
  }
  async begin(endpointId: string, eventId: string, eventType: string, at: Date) {
    if (!this.endpoints.rows.has(endpointId)) throw new EndpointGoneError(endpointId);
    const key = `${endpointId} ${eventId}`;
    if (!this.rows.has(key)) this.rows.set(key, { endpointId, eventId, eventType, status: 'pending', attempts: 0, createdAt: at });
    return { ...this.rows.get(key)! };
  }
  async update(endpointId: string, eventId: string, u: DeliveryUpdate) {
    const key = `${endpointId} ${eventId}`;
    this.rows.set(key, { ...this.rows.get(key)!, ...u });
  }
  async recent(endpointId: string, limit: number) {
    return [...this.rows.values()].filter((r) => r.endpointId === endpointId).slice(0, limit);
  }
}

/** Answers from a script, records what was sent; `refuse` makes the address check fail. */
export class FakeTransport extends WebhookTransport {
  readonly sent: HttpAttempt[] = [];
  refuse = false;
  constructor(private readonly answers: HttpOutcome[]) {
    super();
  }
  async resolve(): Promise<ResolvedAddress> {
    if (this.refuse) throw new UrlRefusedError('resolves to 10.0.0.1, which is not a public address');
    return { address: '93.184.216.34', family: 4 };
  }
  async post(attempt: HttpAttempt): Promise<HttpOutcome> {
    this.sent.push(attempt);
    return this.answers.shift() ?? { statusCode: 200 };
  }
}
