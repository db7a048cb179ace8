import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { VerdictRepository } from './verdict.repository.js';
import { toCheckinResult } from './verdict.js';

/** Answers the gateway when a student retries a submission that was already decided. */
@Injectable()
export class VerdictRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly verdicts: VerdictRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.checkinVerdict, async ({ studentId, submissionId }) => ({ result: toCheckinResult(await this.verdicts.find(submissionId), studentId) }));
  }
}
