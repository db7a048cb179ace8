/**
 * Webhooks on the socket (administrators only; relayed by the gateway's relay table to
 * integration-service). socket.ts joins these into the client event maps. Event names are never
 * renamed: a changed payload gets a new event name beside the old one.
 */
import { EmptyRequest } from '../primitives.js';
import { clientEvent } from '../slice-maps.js';
import {
  CreateWebhookRequest,
  RotateWebhookSecretRequest,
  UpdateWebhookRequest,
  WebhookDeliveriesRequest,
  WebhookRefRequest,
  type WebhookDeletedReply,
  type WebhookDeliveriesReply,
  type WebhookEndpointView,
  type WebhookSecretReply,
  type WebhooksReply,
  type WebhookTestReply,
} from './rpc.js';

export const WebhookClientEvents = {
  webhookList: clientEvent('webhook:list', EmptyRequest).acks<WebhooksReply>(),
  webhookCreate: clientEvent('webhook:create', CreateWebhookRequest.omit({ actor: true })).acks<WebhookSecretReply>(),
  webhookUpdate: clientEvent('webhook:update', UpdateWebhookRequest.omit({ actor: true })).acks<WebhookEndpointView>(),
  webhookDelete: clientEvent('webhook:delete', WebhookRefRequest.omit({ actor: true })).acks<WebhookDeletedReply>(),
  webhookRotateSecret: clientEvent('webhook:rotate-secret', RotateWebhookSecretRequest.omit({ actor: true })).acks<WebhookSecretReply>(),
  webhookTest: clientEvent('webhook:test', WebhookRefRequest.omit({ actor: true })).acks<WebhookTestReply>(),
  webhookDeliveries: clientEvent('webhook:deliveries', WebhookDeliveriesRequest.omit({ actor: true })).acks<WebhookDeliveriesReply>(),
};
