import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { EndpointsService } from './endpoints.service.js';
import { WebhookPersonData } from './person-data.js';

@Injectable()
export class WebhooksRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(EndpointsService) private readonly endpoints: EndpointsService,
    @Inject(WebhookPersonData) private readonly personData: WebhookPersonData,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.integrationWebhooks, (req) => this.endpoints.list(req));
    this.rpc.handle(Rpc.integrationWebhookCreate, (req) => this.endpoints.create(req));
    this.rpc.handle(Rpc.integrationWebhookUpdate, (req) => this.endpoints.update(req));
    this.rpc.handle(Rpc.integrationWebhookDelete, (req) => this.endpoints.delete(req));
    this.rpc.handle(Rpc.integrationWebhookRotateSecret, (req) => this.endpoints.rotateSecret(req));
    this.rpc.handle(Rpc.integrationWebhookTest, (req) => this.endpoints.sendTest(req));
    this.rpc.handle(Rpc.integrationWebhookDeliveries, (req) => this.endpoints.deliveriesOf(req));
    this.rpc.handle(Rpc.integrationPersonData, (req) => this.personData.export(req));
  }
}
