import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { PasskeysService } from './passkeys.service.js';

@Injectable()
export class PasskeysRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly passkeys: PasskeysService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.passkeyRegistrationOptions, (req) => this.passkeys.registrationOptions(req.actor));
    this.rpc.handle(Rpc.passkeyRegister, (req) => this.passkeys.register(req.actor, req.response, req.deviceName));
    this.rpc.handle(Rpc.passkeyList, (req) => this.passkeys.list(req.actor));
  }
}
