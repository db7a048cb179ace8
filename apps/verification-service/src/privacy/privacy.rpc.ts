import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { VerificationPrivacyService } from './privacy.service.js';

@Injectable()
export class PrivacyRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly privacy: VerificationPrivacyService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.verificationPersonData, (req) => this.privacy.export(req));
  }
}
