import { Module } from '@nestjs/common';
import { GatewayPresence } from './gateway-presence.js';
import { SessionOpenedPushConsumer, SignInRevokedPushConsumer } from './push.consumers.js';
import { Presence, PushSender, PushStore } from './push.ports.js';
import { PushRepository } from './push.repository.js';
import { PushRpc } from './push.rpc.js';
import { PushService } from './push.service.js';
import { WebPushSender } from './web-push.sender.js';

@Module({
  providers: [
    { provide: PushStore, useClass: PushRepository },
    { provide: PushSender, useClass: WebPushSender },
    { provide: Presence, useClass: GatewayPresence },
    PushService,
    PushRpc,
    SessionOpenedPushConsumer,
    SignInRevokedPushConsumer,
  ],
})
export class PushModule {}
