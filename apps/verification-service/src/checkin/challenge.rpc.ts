import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { ChallengeService } from './challenge.service.js';

@Injectable()
export class ChallengeRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly challenges: ChallengeService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.checkinChallenge, (req, ctx) => this.challenges.issue(req.actor, req.sessionId, { correlationId: ctx.correlationId, deviceFingerprint: req.deviceFingerprint, qr: req.qr }));
  }
}
