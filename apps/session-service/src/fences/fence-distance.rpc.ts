import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { FenceDistanceService } from './fence-distance.service.js';

/** Internal: the distance between two open sessions' fences (verification's impossible-travel flag). */
@Injectable()
export class FenceDistanceRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(FenceDistanceService) private readonly fences: FenceDistanceService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.sessionFenceDistance, (req) => this.fences.between(req));
  }
}
