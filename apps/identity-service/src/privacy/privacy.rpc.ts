import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { ErasureService } from './erasure.service.js';
import { IdentityPersonDataService } from './person-data.js';

@Injectable()
export class PrivacyRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(ErasureService) private readonly erasure: ErasureService,
    @Inject(IdentityPersonDataService) private readonly personData: IdentityPersonDataService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityUserErase, (req, ctx) => this.erasure.erase(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityPersonData, (req) => this.personData.export(req));
  }
}
