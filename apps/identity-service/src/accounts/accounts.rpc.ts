import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { AccountsService } from './accounts.service.js';

@Injectable()
export class AccountsRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityUsers, (req) => this.accounts.users(req.userIds));
    // Administration
    this.rpc.handle(Rpc.identityUserCreate, (req, ctx) => this.accounts.create(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityUserList, (req, ctx) => this.accounts.list(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityUserUpdate, (req, ctx) => this.accounts.update(req, ctx.correlationId));
  }
}
