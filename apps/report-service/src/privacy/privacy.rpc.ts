import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { PersonDataService } from './person-data.service.js';

@Injectable()
export class PrivacyRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(PersonDataService) private readonly personData: PersonDataService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.reportPersonData, (req) => this.personData.export(req));
  }
}
