import { Injectable } from '@nestjs/common';
import { Rpc, type CheckinContextReply, type RecordMarkReply, type RecordMarkRequest, type VerifyQrReply, type VerifyQrRequest } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

/** What verification asks of session-service. Errors arrive as the DomainError session-service replied with. */
export abstract class SessionPort {
  abstract checkinContext(sessionId: string, studentId: string, correlationId?: string): Promise<CheckinContextReply>;
  abstract recordMark(request: RecordMarkRequest, correlationId?: string): Promise<RecordMarkReply>;
  /** Whether a rotating QR code is valid: session-service holds the secret, so it decides. */
  abstract verifyQr(request: VerifyQrRequest, correlationId?: string): Promise<VerifyQrReply>;
}

@Injectable()
export class NatsSessionPort extends SessionPort {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  checkinContext(sessionId: string, studentId: string, correlationId?: string): Promise<CheckinContextReply> {
    return this.rpc.request(Rpc.sessionCheckinContext, { sessionId, studentId }, correlationId ? { correlationId } : {});
  }

  recordMark(request: RecordMarkRequest, correlationId?: string): Promise<RecordMarkReply> {
    return this.rpc.request(Rpc.sessionRecordMark, request, correlationId ? { correlationId } : {});
  }

  verifyQr(request: VerifyQrRequest, correlationId?: string): Promise<VerifyQrReply> {
    return this.rpc.request(Rpc.sessionVerifyQr, request, correlationId ? { correlationId } : {});
  }
}
