import { Inject, Injectable } from '@nestjs/common';
import { authorize, type IntegrationPersonData, type PersonDataRequest } from '@classconnect/contracts';
import { EndpointStore } from './webhook.repository.js';

/**
 * integration-service's part of a person's data (GDPR Art. 15 and 20): the webhook endpoints they
 * registered. Their secrets stay here: a secret signs deliveries, it says nothing about the person.
 */
@Injectable()
export class WebhookPersonData {
  constructor(@Inject(EndpointStore) private readonly endpoints: EndpointStore) {}

  async export({ actor, userId }: PersonDataRequest): Promise<IntegrationPersonData> {
    authorize(actor, actor.userId === userId ? 'data.export-own' : 'user.export');
    const mine = await this.endpoints.createdBy(userId);
    return {
      webhookEndpoints: mine.map((e) => ({ id: e.id, url: e.url, description: e.description ?? null, createdAt: e.createdAt.toISOString(), enabled: e.enabled })),
    };
  }
}
