import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { PasskeySignInService } from './passkey-sign-in.service.js';

@Injectable()
export class PasskeySignInRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(PasskeySignInService) private readonly service: PasskeySignInService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.passkeySignInChallenge, () => this.service.options());
    this.rpc.handle(Rpc.passkeySignInAssertion, (req) => this.service.verify(req.response));
  }
}
