import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { PeopleService } from './people.service.js';

@Injectable()
export class PeopleRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly people: PeopleService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityUserCreate, (req, ctx) => this.people.create(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityUserList, (req) => this.people.list(req));
    this.rpc.handle(Rpc.identityUserUpdate, (req, ctx) => this.people.update(req, ctx.correlationId));
  }
}
