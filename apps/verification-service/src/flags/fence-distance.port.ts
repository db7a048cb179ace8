import { Injectable } from '@nestjs/common';
import { Rpc, type FenceDistanceReply } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

/** How far apart two sessions' fences are: session-service holds each open session's centre. */
export abstract class FenceDistancePort {
  abstract between(sessionId: string, otherSessionId: string, correlationId?: string): Promise<FenceDistanceReply>;
}

@Injectable()
export class NatsFenceDistancePort extends FenceDistancePort {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  between(sessionId: string, otherSessionId: string, correlationId?: string): Promise<FenceDistanceReply> {
    return this.rpc.request(Rpc.sessionFenceDistance, { sessionId, otherSessionId }, correlationId ? { correlationId } : {});
  }
}
