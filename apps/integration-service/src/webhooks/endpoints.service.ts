/** The administration of webhook endpoints: register, change, remove, rotate a secret, send a test event, read the log. */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  WebhookTestEventType,
  type Actor,
  type CreateWebhookRequest,
  type RotateWebhookSecretRequest,
  type UpdateWebhookRequest,
  type WebhookDeletedReply,
  type WebhookDeliveriesReply,
  type WebhookEndpointView,
  type WebhookSecretReply,
  type WebhooksReply,
  type WebhookTestReply,
} from '@classconnect/contracts';
import { ServiceName } from '../service-name.js';
import { DeliveryService, EndpointChanges } from './delivery.service.js';
import { newWebhookSecret } from './signer.js';
import { UrlRefusedError } from './ssrf-guard.js';
import { DeliveryLog, EndpointStore, type DeliveryRecord, type WebhookEndpoint } from './webhook.repository.js';
import { WebhookTransport } from './webhook-transport.js';

@Injectable()
export class EndpointsService {
  constructor(
    @Inject(EndpointStore) private readonly endpoints: EndpointStore,
    @Inject(DeliveryLog) private readonly deliveries: DeliveryLog,
    @Inject(WebhookTransport) private readonly transport: WebhookTransport,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(EndpointChanges) private readonly changes: EndpointChanges,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list({ actor }: { actor: Actor }): Promise<WebhooksReply> {
    requireAdmin(actor);
    return { endpoints: (await this.endpoints.list()).map((e) => toView(e)) };
  }

  async create(req: CreateWebhookRequest): Promise<WebhookSecretReply> {
    requireAdmin(req.actor);
    checkEventTypes(req.eventTypes);
    await this.checkUrl(req.url);
    const now = this.clock.now();
    const endpoint: WebhookEndpoint = {
      id: randomUUID(),
      url: req.url,
      ...(req.description ? { description: req.description } : {}),
      eventTypes: unique(req.eventTypes),
      ...(req.courseIds ? { courseIds: unique(req.courseIds) } : {}),
      secret: newWebhookSecret(),
      enabled: true,
      createdBy: req.actor.userId,
      createdAt: now,
      updatedAt: now,
    };
    await this.endpoints.insert(endpoint);
    await this.changes.announce(endpoint.id);
    return { endpoint: toView(endpoint), secret: endpoint.secret };
  }

  async update(req: UpdateWebhookRequest): Promise<WebhookEndpointView> {
    requireAdmin(req.actor);
    const endpoint = await this.find(req.endpointId);
    if (req.eventTypes !== undefined) checkEventTypes(req.eventTypes);
    if (req.url !== undefined) await this.checkUrl(req.url);
    const next: WebhookEndpoint = { ...endpoint, updatedAt: this.clock.now() };
    if (req.url !== undefined) next.url = req.url;
    if (req.eventTypes !== undefined) next.eventTypes = unique(req.eventTypes);
    if (req.courseIds === null) delete next.courseIds;
    else if (req.courseIds !== undefined) next.courseIds = unique(req.courseIds);
    if (req.description === null) delete next.description;
    else if (req.description !== undefined) next.description = req.description;
    if (req.enabled !== undefined) {
      next.enabled = req.enabled;
      if (req.enabled) delete next.disabledReason;
      else next.disabledReason = 'Turned off by an administrator.';
    }
    await this.endpoints.save(next);
    await this.changes.announce(next.id);
    return toView(next);
  }

  async delete({ actor, endpointId }: { actor: Actor; endpointId: string }): Promise<WebhookDeletedReply> {
    requireAdmin(actor);
    if (!(await this.endpoints.delete(endpointId))) throw notFound(endpointId);
    await this.changes.announce(endpointId);
    return { endpointId, deleted: true };
  }

  async rotateSecret(req: RotateWebhookSecretRequest): Promise<WebhookSecretReply> {
    requireAdmin(req.actor);
    const endpoint = await this.find(req.endpointId);
    const now = this.clock.now();
    const next: WebhookEndpoint = { ...endpoint, secret: newWebhookSecret(), updatedAt: now };
    delete next.previousSecret;
    delete next.previousSecretExpiresAt;
    if (req.overlapMinutes > 0) {
      next.previousSecret = endpoint.secret;
      next.previousSecretExpiresAt = new Date(now.getTime() + req.overlapMinutes * 60_000);
    }
    await this.endpoints.save(next);
    return { endpoint: toView(next, now), secret: next.secret };
  }

  /** One attempt now, while the admin waits; recorded in the delivery log like any other. */
  async sendTest({ actor, endpointId }: { actor: Actor; endpointId: string }): Promise<WebhookTestReply> {
    requireAdmin(actor);
    const endpoint = await this.find(endpointId);
    const now = this.clock.now();
    const eventId = `webhook.test:${randomUUID()}`;
    const body = JSON.stringify({
      specversion: '1.0',
      id: eventId,
      source: `/classconnect/${ServiceName}`,
      type: WebhookTestEventType,
      subject: endpoint.id,
      time: now.toISOString(),
      datacontenttype: 'application/json',
      data: { endpointId: endpoint.id, requestedBy: actor.userId, message: 'A test event from ClassConnect: your endpoint is reachable and can verify our signature.' },
    });
    const started = this.clock.nowMs();
    await this.deliveries.begin(endpoint.id, eventId, WebhookTestEventType, now);
    const outcome = await this.delivery.attempt(endpoint, eventId, body, now);
    const durationMs = Math.max(0, this.clock.nowMs() - started);
    const ok = 'statusCode' in outcome && outcome.statusCode >= 200 && outcome.statusCode < 300;
    await this.deliveries.update(endpoint.id, eventId, {
      status: ok ? 'succeeded' : 'failed',
      attempts: 1,
      lastAttemptAt: now,
      ...('statusCode' in outcome ? { lastStatusCode: outcome.statusCode } : { lastError: outcome.error.slice(0, 500) }),
    });
    return { endpointId: endpoint.id, eventId, ok, ...('statusCode' in outcome ? { statusCode: outcome.statusCode } : { error: outcome.error }), durationMs };
  }

  async deliveriesOf({ actor, endpointId, limit }: { actor: Actor; endpointId: string; limit: number }): Promise<WebhookDeliveriesReply> {
    requireAdmin(actor);
    await this.find(endpointId);
    return { endpointId, deliveries: (await this.deliveries.recent(endpointId, limit)).map(deliveryView) };
  }

  private async find(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.get(id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.transport.resolve(url);
    } catch (err) {
      if (err instanceof UrlRefusedError) throw new DomainError(ErrorCode.WEBHOOK_URL_REFUSED, err.message);
      throw err;
    }
  }
}

/** The public events on ATTENDANCE and DIRECTORY, by subject: what a webhook may ask for. */
export const WebhookEventTypes: readonly string[] = Object.values(EventSubjects).filter((s) => s.startsWith('attendance.') || s.startsWith('directory.'));

function checkEventTypes(types: readonly string[]): void {
  const issues = types.flatMap((t, i) => (WebhookEventTypes.includes(t) ? [] : [{ path: `eventTypes.${i}`, message: `${t} is not an event ClassConnect publishes` }]));
  if (issues.length > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `Unknown event type: ${issues.map((i) => i.message).join('; ')}.`, issues);
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new DomainError(ErrorCode.FORBIDDEN, 'Only an administrator may manage webhooks.');
}

function notFound(id: string): DomainError {
  return new DomainError(ErrorCode.WEBHOOK_NOT_FOUND, `No webhook endpoint has the id ${id}.`);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

export function toView(e: WebhookEndpoint, now = new Date()): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    ...(e.description ? { description: e.description } : {}),
    eventTypes: e.eventTypes,
    ...(e.courseIds ? { courseIds: e.courseIds } : {}),
    enabled: e.enabled,
    ...(e.disabledReason ? { disabledReason: e.disabledReason } : {}),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    ...(e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? { previousSecretExpiresAt: e.previousSecretExpiresAt.toISOString() } : {}),
  };
}

function deliveryView(d: DeliveryRecord) {
  return {
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    ...(d.lastStatusCode !== undefined ? { lastStatusCode: d.lastStatusCode } : {}),
    ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
    ...(d.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt.toISOString() } : {}),
    ...(d.status === 'pending' && d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
    createdAt: d.createdAt.toISOString(),
  };
}
