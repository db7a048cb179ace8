/**
 * One event to one endpoint, at least once: the delivery log in Postgres counts the attempts (so a
 * restart does not start the schedule again), the consumer's message is nak'ed with the delay to the
 * next attempt, and acked once the delivery succeeded, failed for good, or is not wanted.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import { INTEGRATION_CONFIG, type IntegrationConfig } from '../config.js';
import { decide } from './retry-policy.js';
import { webhookHeaders } from './signer.js';
import { UrlRefusedError } from './ssrf-guard.js';
import { DeliveryLog, EndpointGoneError, EndpointStore, type WebhookEndpoint } from './webhook.repository.js';
import type { HttpOutcome } from './webhook-http.js';
import { WebhookTransport } from './webhook-transport.js';

/** The body is sent byte for byte as it is on the stream: the CloudEvent in structured JSON mode. */
export interface StreamedEvent {
  /** The NATS subject, e.g. attendance.mark.recorded.v2. */
  subject: string;
  id: string;
  type: string;
  body: string;
  courseId?: string;
}

export const DeliveryContentType = 'application/cloudevents+json; charset=utf-8';

/** Told when endpoints change (registered, changed, removed, disabled by a 410), so every instance's consumers follow. */
export abstract class EndpointChanges {
  abstract announce(endpointId: string): Promise<void>;
}

/** `retryInMs`: the next attempt is due then. `endpointDisabled`: the receiver's 410 turned the endpoint off. Otherwise the message is done with. */
export interface DeliveryResult {
  retryInMs?: number;
  endpointDisabled?: true;
}

@Injectable()
export class DeliveryService {
  private readonly log = createLogger(DeliveryService.name);

  constructor(
    @Inject(EndpointStore) private readonly endpoints: EndpointStore,
    @Inject(DeliveryLog) private readonly deliveries: DeliveryLog,
    @Inject(WebhookTransport) private readonly transport: WebhookTransport,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(INTEGRATION_CONFIG) private readonly config: Pick<IntegrationConfig, 'WEBHOOK_RETRY_SCHEDULE' | 'WEBHOOK_TIMEOUT_MS'>,
  ) {}

  async deliver(endpointId: string, event: StreamedEvent): Promise<DeliveryResult> {
    const endpoint = await this.endpoints.get(endpointId);
    if (!endpoint || !endpoint.enabled) return {};
    if (!wants(endpoint, event)) return {};
    let record;
    try {
      record = await this.deliveries.begin(endpointId, event.id, event.type, this.clock.now());
    } catch (err) {
      if (err instanceof EndpointGoneError) return {};
      throw err;
    }
    if (record.status !== 'pending') return {};
    const now = this.clock.now();
    // Redelivered before its time (a consumer recreated, a replay): wait for the rest of the delay.
    const early = (record.nextAttemptAt?.getTime() ?? 0) - now.getTime();
    if (early > 100) return { retryInMs: early };

    const outcome = await this.attempt(endpoint, event.id, event.body, now);
    const attempts = record.attempts + 1;
    const decision = decide(outcome, attempts, this.config.WEBHOOK_RETRY_SCHEDULE, now);
    const last = { attempts, lastAttemptAt: now, ...outcomeFields(outcome) };
    switch (decision.kind) {
      case 'succeeded':
        await this.deliveries.update(endpointId, event.id, { ...last, status: 'succeeded' });
        return {};
      case 'gone':
        await this.deliveries.update(endpointId, event.id, { ...last, status: 'failed' });
        await this.endpoints.disable(endpointId, 'The receiver answered 410 Gone.', now);
        this.log.warn({ endpointId, eventId: event.id }, 'webhook endpoint answered 410 Gone: disabled');
        return { endpointDisabled: true };
      case 'exhausted':
        await this.deliveries.update(endpointId, event.id, { ...last, status: 'failed' });
        this.log.warn({ endpointId, eventId: event.id, attempts, ...outcomeFields(outcome) }, 'webhook delivery failed after its last attempt');
        return {};
      case 'retry':
        await this.deliveries.update(endpointId, event.id, { ...last, status: 'pending', nextAttemptAt: new Date(now.getTime() + decision.delayMs) });
        return { retryInMs: decision.delayMs };
    }
  }

  /** One signed POST (also the admin's test event): the address is checked again before each. */
  async attempt(endpoint: WebhookEndpoint, msgId: string, body: string, now: Date): Promise<HttpOutcome> {
    let address;
    try {
      address = await this.transport.resolve(endpoint.url);
    } catch (err) {
      if (err instanceof UrlRefusedError) return { error: `address refused: ${err.message}` };
      throw err;
    }
    const headers = {
      'content-type': DeliveryContentType,
      'user-agent': 'ClassConnect-Webhooks/1',
      ...webhookHeaders(signingSecrets(endpoint, now), msgId, now, body),
    };
    return this.transport.post({ url: endpoint.url, address, headers, body, timeoutMs: this.config.WEBHOOK_TIMEOUT_MS });
  }
}

/** The current secret, and the previous one while a rotation's overlap lasts. */
export function signingSecrets(endpoint: WebhookEndpoint, now: Date): string[] {
  const overlap = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return overlap ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

function wants(endpoint: WebhookEndpoint, event: StreamedEvent): boolean {
  if (!endpoint.eventTypes.includes(event.subject)) return false;
  // An endpoint filtered by course gets only the events that name one of its courses.
  return !endpoint.courseIds || (event.courseId !== undefined && endpoint.courseIds.includes(event.courseId));
}

function outcomeFields(outcome: HttpOutcome): { lastStatusCode?: number; lastError?: string } {
  return 'statusCode' in outcome ? { lastStatusCode: outcome.statusCode } : { lastError: outcome.error.slice(0, 500) };
}
