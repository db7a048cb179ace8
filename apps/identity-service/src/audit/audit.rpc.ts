import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { AuditService } from './audit.service.js';

@Injectable()
export class AuditRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityAuditList, (req) => this.audit.list(req));
  }
}
