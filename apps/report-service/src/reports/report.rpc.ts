import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { ReportQueryService } from './report-query.service.js';

@Injectable()
export class ReportRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(ReportQueryService) private readonly reports: ReportQueryService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.reportGet, ({ actor, sessionId }) => this.reports.get(actor, sessionId));
    // Check-in flags
    this.rpc.handle(Rpc.reportSessionFlags, ({ actor, sessionId }) => this.reports.flags(actor, sessionId));
  }
}
