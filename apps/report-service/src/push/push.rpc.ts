import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { PushService } from './push.service.js';

@Injectable()
export class PushRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(PushService) private readonly push: PushService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.reportPushConfig, ({ actor }) => Promise.resolve(this.push.publicConfig(actor)));
    this.rpc.handle(Rpc.reportPushSubscribe, (req) => this.push.subscribe(req));
    this.rpc.handle(Rpc.reportPushUnsubscribe, ({ actor, endpoint }) => this.push.unsubscribe(actor, endpoint));
    this.rpc.handle(Rpc.reportPushCredentialRemoved, ({ userId, credentialId }) => this.push.credentialRemoved(userId, credentialId));
  }
}
