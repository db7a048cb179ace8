/** In-memory stand-ins for the check-in stores, session-service and the verdict publisher, for unit specs. */
import { randomUUID } from 'node:crypto';
import type { CheckinContextReply, RecordMarkReply, RecordMarkRequest, VerifyQrReply, VerifyQrRequest } from '@classconnect/contracts';
import type { SessionClient } from '@classconnect/messaging';
import { ChallengeRepository, type ChallengeOwner, type ClaimResult } from '../challenge.repository.js';
import type { Verdict } from '../verdict.js';
import { VerdictPublisher } from '../verdict.publisher.js';
import { VerdictRepository } from '../verdict.repository.js';

export class MemoryVerdicts extends VerdictRepository {
  readonly byId = new Map<string, Verdict>();
  async find(id: string) {
    return this.byId.get(id) ?? null;
  }
  async saveIfAbsent(v: Verdict) {
    if (!this.byId.has(v.submissionId)) this.byId.set(v.submissionId, v);
    return this.byId.get(v.submissionId)!;
  }
}

/** Challenges in memory, with the rules of the claim script. */
export class MemoryChallenges extends ChallengeRepository {
  readonly byChallenge = new Map<string, ChallengeOwner & { claimedBy?: string }>();
  claims = 0;
  async issue(challenge: string, owner: ChallengeOwner) {
    this.byChallenge.set(challenge, { ...owner });
  }
  async claim(challenge: string, owner: ChallengeOwner, submissionId: string): Promise<ClaimResult> {
    this.claims++;
    const c = this.byChallenge.get(challenge);
    if (!c) return 'not_found';
    if (c.sessionId !== owner.sessionId || c.studentId !== owner.studentId) return 'mismatch';
    if (c.claimedBy && c.claimedBy !== submissionId) return 'already_used';
    c.claimedBy = submissionId;
    return 'claimed';
  }
}

/**
 * One open session as session-service answers about it: the spec sets each reply (an Error is
 * thrown) and reads the requests. `client` is this fake where a SessionClient is asked for: it has
 * every method check-in calls.
 */
export class FakeSessionClient implements Pick<SessionClient, 'checkinContext' | 'recordMark' | 'verifyQr'> {
  readonly client = this as unknown as SessionClient;
  context: CheckinContextReply | Error;
  markReply: RecordMarkReply | Error = { recorded: true, alreadyPresent: false };
  qrReply: VerifyQrReply | Error = { result: 'valid' };
  readonly marks: RecordMarkRequest[] = [];
  readonly qrChecks: VerifyQrRequest[] = [];
  contextCalls = 0;

  constructor(sessionId: string, fence: CheckinContextReply['fence']) {
    this.context = { sessionId, courseId: randomUUID(), status: 'open', enrolled: true, alreadyPresent: false, fence };
  }
  async checkinContext(): Promise<CheckinContextReply> {
    this.contextCalls++;
    if (this.context instanceof Error) throw this.context;
    return this.context;
  }
  async recordMark(request: RecordMarkRequest): Promise<RecordMarkReply> {
    this.marks.push(request);
    if (this.markReply instanceof Error) throw this.markReply;
    return this.markReply;
  }
  async verifyQr(request: VerifyQrRequest): Promise<VerifyQrReply> {
    this.qrChecks.push(request);
    if (this.qrReply instanceof Error) throw this.qrReply;
    return this.qrReply;
  }
}

export class RecordingPublisher extends VerdictPublisher {
  readonly published: Verdict[] = [];
  failNext = false;
  async publish(v: Verdict) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('NATS is down');
    }
    this.published.push(v);
  }
}
