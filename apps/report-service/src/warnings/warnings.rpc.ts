import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { WarningsService } from './warnings.service.js';

@Injectable()
export class WarningsRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(WarningsService) private readonly warnings: WarningsService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.reportCourseWarnings, ({ actor, courseId }) => this.warnings.courseWarnings(actor, courseId));
    this.rpc.handle(Rpc.reportMyWarnings, ({ actor }) => this.warnings.myWarnings(actor));
    this.rpc.handle(Rpc.reportSetWarningThresholds, ({ actor, courseId, thresholds }) => this.warnings.setThresholds(actor, courseId, thresholds));
  }
}
