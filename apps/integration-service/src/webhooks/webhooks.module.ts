import { Module } from '@nestjs/common';
import { DeliveryService, EndpointChanges } from './delivery.service.js';
import { EndpointConsumers } from './endpoint-consumers.js';
import { EndpointsService } from './endpoints.service.js';
import { WebhookPersonData } from './person-data.js';
import { DeliveryLog, EndpointStore, PostgresDeliveryLog, PostgresEndpointStore } from './webhook.repository.js';
import { PinnedHttpTransport, WebhookTransport } from './webhook-transport.js';
import { WebhooksRpc } from './webhooks.rpc.js';

@Module({
  providers: [
    { provide: EndpointStore, useClass: PostgresEndpointStore },
    { provide: DeliveryLog, useClass: PostgresDeliveryLog },
    { provide: WebhookTransport, useClass: PinnedHttpTransport },
    DeliveryService,
    EndpointConsumers,
    { provide: EndpointChanges, useExisting: EndpointConsumers },
    EndpointsService,
    WebhookPersonData,
    WebhooksRpc,
  ],
})
export class WebhooksModule {}
