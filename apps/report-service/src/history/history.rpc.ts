import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { HistoryService } from './history.service.js';

@Injectable()
export class HistoryRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(HistoryService) private readonly history: HistoryService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.reportCourseHistory, ({ actor, courseId }) => this.history.courseHistory(actor, courseId));
    this.rpc.handle(Rpc.reportMyHistory, ({ actor }) => this.history.myHistory(actor));
  }
}
