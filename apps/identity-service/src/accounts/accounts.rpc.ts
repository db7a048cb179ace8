import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { AccountsService } from './accounts.service.js';

@Injectable()
export class AccountsRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly accounts: AccountsService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityUsers, (req) => this.accounts.users(req.userIds));
  }
}
