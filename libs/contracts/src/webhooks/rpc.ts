/**
 * Webhooks (integration-service): endpoints administrators register, each receiving the public
 * CloudEvents it asks for as signed HTTP callbacks (Standard Webhooks), and their delivery log.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, HumanText, Id } from '../primitives.js';
import { command } from '../slice-maps.js';
import { InputLimits } from '../limits.js';

/**
 * A stream event's subject, e.g. `attendance.mark.recorded.v2`: any public fact on ATTENDANCE or
 * DIRECTORY (integration-service refuses one that is not published: see isWebhookEventType).
 */
export const WebhookEventType = z.string().regex(/^(attendance|directory)\.[a-z0-9-]+(\.[a-z0-9-]+)*\.v[0-9]+$/, 'must be the subject of an ATTENDANCE or DIRECTORY event, e.g. attendance.mark.recorded.v2');

/** The CloudEvents type of the "send a test event" action. Delivered to one endpoint only, never on a stream. */
export const WebhookTestEventType = 'edu.classconnect.webhook.test.v1';

export const WebhookFields = {
  /** Where deliveries are POSTed: http or https, no credentials in it, at most 2,000 characters. */
  url: z
    .string()
    .max(InputLimits.webhookUrl.max)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL'),
  /** Subjects of the events to send, e.g. `attendance.mark.recorded.v2`. */
  eventTypes: z.array(WebhookEventType).min(1).max(100),
  /** Only events about these courses (`data.courseId`); absent: every course. */
  courseIds: z.array(Id).min(1).max(500),
  description: HumanText(InputLimits.webhookDescription),
};

export const CreateWebhookRequest = z
  .object({
    actor: Actor,
    url: WebhookFields.url,
    eventTypes: WebhookFields.eventTypes,
    courseIds: WebhookFields.courseIds.optional(),
    description: WebhookFields.description.optional(),
  })
  .strict();
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

/** Only the fields given change; `courseIds: null` sends every course again, `description: null` removes it. `enabled: true` re-enables an endpoint disabled by a 410. */
export const UpdateWebhookRequest = z
  .object({
    actor: Actor,
    endpointId: Id,
    url: WebhookFields.url.optional(),
    eventTypes: WebhookFields.eventTypes.optional(),
    courseIds: WebhookFields.courseIds.nullable().optional(),
    description: WebhookFields.description.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>;

export const WebhookRefRequest = z.object({ actor: Actor, endpointId: Id }).strict();
export type WebhookRefRequest = z.infer<typeof WebhookRefRequest>;

/** A new secret; the previous one keeps signing too (both signatures in `webhook-signature`) for `overlapMinutes` (default a day, 0: stop at once). */
export const RotateWebhookSecretRequest = z
  .object({ actor: Actor, endpointId: Id, overlapMinutes: z.number().int().min(0).max(7 * 24 * 60).default(24 * 60) })
  .strict();
export type RotateWebhookSecretRequest = z.infer<typeof RotateWebhookSecretRequest>;

export const WebhookDeliveriesRequest = z
  .object({ actor: Actor, endpointId: Id, limit: z.number().int().min(1).max(500).default(100) })
  .strict();
export type WebhookDeliveriesRequest = z.infer<typeof WebhookDeliveriesRequest>;

export interface WebhookEndpointView {
  id: string;
  url: string;
  description?: string;
  eventTypes: string[];
  courseIds?: string[];
  /** False when an admin turned it off or the receiver answered 410 Gone (see disabledReason). */
  enabled: boolean;
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
  /** While a rotation overlaps: until when the previous secret still signs. */
  previousSecretExpiresAt?: string;
}

/** The endpoint and its signing secret (`whsec_…`): shown once, when created or rotated. */
export interface WebhookSecretReply {
  endpoint: WebhookEndpointView;
  secret: string;
}

export interface WebhookDeletedReply {
  endpointId: string;
  deleted: true;
}

export interface WebhooksReply {
  endpoints: WebhookEndpointView[];
}

/**
 * One event's delivery to one endpoint. `pending`: not yet accepted, another attempt is due at
 * `nextAttemptAt`; `succeeded`: a 2xx answer; `failed`: every attempt of the schedule failed, or the
 * endpoint answered 410 (it is then disabled).
 */
export interface WebhookDeliveryView {
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode?: number;
  /** Why the last attempt failed when there was no HTTP answer (time-out, refused connection, refused address). */
  lastError?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  createdAt: string;
}

export interface WebhookDeliveriesReply {
  endpointId: string;
  deliveries: WebhookDeliveryView[];
}

/** The outcome of "send a test event": one attempt, made while the admin waits. */
export interface WebhookTestReply {
  endpointId: string;
  eventId: string;
  ok: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

export const WebhookRpc = {
  integrationWebhookCreate: command('cc.integration.webhook-create.v1', CreateWebhookRequest).replies<WebhookSecretReply>(),
  integrationWebhookUpdate: command('cc.integration.webhook-update.v1', UpdateWebhookRequest).replies<WebhookEndpointView>(),
  integrationWebhookDelete: command('cc.integration.webhook-delete.v1', WebhookRefRequest).replies<WebhookDeletedReply>(),
  integrationWebhooks: command('cc.integration.webhooks.v1', z.object({ actor: Actor }).strict()).replies<WebhooksReply>(),
  integrationWebhookRotateSecret: command('cc.integration.webhook-rotate-secret.v1', RotateWebhookSecretRequest).replies<WebhookSecretReply>(),
  integrationWebhookTest: command('cc.integration.webhook-test.v1', WebhookRefRequest).replies<WebhookTestReply>(),
  integrationWebhookDeliveries: command('cc.integration.webhook-deliveries.v1', WebhookDeliveriesRequest).replies<WebhookDeliveriesReply>(),
};
