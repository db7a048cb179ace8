import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  type CheckinSubmission,
  CorrelationHeader,
  DomainError,
  ErrorCode,
  IntakeSubject,
  Rpc,
  type CheckinAccepted,
  type ClientPayloads,
  type ClientEvents,
} from '@classconnect/contracts';
import { NATS_CONNECTION, RpcClient, publishToStream, type NatsConnection } from '@classconnect/messaging';
import { CheckinTimer } from './checkin-timer.js';
import type { z } from 'zod';

type SubmitPayload = z.output<(typeof ClientPayloads)[typeof ClientEvents.checkinSubmit]>;

/** The same student retrying the same attempt always gets the same submission id. */
export function submissionIdOf(studentId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${studentId}:${idempotencyKey}`).digest('base64url').slice(0, 22);
}

/**
 * Hands a check-in to the durable intake queue. Once JetStream has stored it, the check-in
 * survives any restart; verification-service decides it and the verdict comes back as an event.
 */
@Injectable()
export class CheckinService {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(CheckinTimer) private readonly timer: CheckinTimer,
  ) {}

  /** `deviceFingerprint`: the connection's hash for the check-in flags (never the client signals themselves). */
  async submit(studentId: string, payload: SubmitPayload, correlationId: string, connectionId: string, deviceFingerprint?: string): Promise<CheckinAccepted> {
    const submissionId = submissionIdOf(studentId, payload.idempotencyKey);
    // The payload was checked at the edge (the socket's schema); the submission is built from it, not checked again.
    const submission: CheckinSubmission = {
      submissionId,
      sessionId: payload.sessionId,
      studentId,
      assertion: payload.assertion,
      position: payload.position,
      submittedAt: new Date().toISOString(),
      connectionId,
      ...(payload.qr !== undefined ? { qr: payload.qr } : {}),
      ...(deviceFingerprint !== undefined ? { deviceFingerprint } : {}),
    };
    this.timer.started(submissionId);
    const h = natsHeaders();
    h.set(CorrelationHeader, correlationId);
    let duplicate: boolean;
    try {
      ({ duplicate } = await publishToStream(this.nc, IntakeSubject, JSON.stringify(submission), { msgID: submissionId, headers: h, timeoutMs: 5_000 }));
    } catch {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Your check-in could not be queued right now. Please try again; it is safe to retry.');
    }
    // A retry of a submission already queued: if it was decided meanwhile, its push may have been
    // missed (the retry usually follows a lost connection), so the verdict comes back in the ack.
    if (duplicate) {
      const decided = await this.rpc.request(Rpc.checkinVerdict, { studentId, submissionId }, { correlationId }).catch(() => ({ result: null }));
      if (decided.result) {
        this.timer.settled(decided.result);
        return { submissionId, status: 'decided', result: decided.result };
      }
    }
    return { submissionId, status: 'pending' };
  }
}
