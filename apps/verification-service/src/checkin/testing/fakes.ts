/** In-memory stand-ins for the check-in stores, session-service and the verdict publisher, for unit specs. */
import { randomUUID } from 'node:crypto';
import type { CheckinContextReply, QrRefusal, RecordMarkReply, RecordMarkRequest } from '@classconnect/contracts';
import type { SessionClient } from '@classconnect/messaging';
import { ChallengeRepository, type ChallengeContext, type ChallengeOwner, type ClaimResult } from '../challenge.repository.js';
import type { Verdict } from '../verdict.js';
import { VerdictPublisher } from '../verdict.publisher.js';
import { CodeRefusalPublisher, type CodeRefusal } from '../code-refusal.publisher.js';
import { VerdictRepository } from '../verdict.repository.js';

export class MemoryVerdicts extends VerdictRepository {
  readonly byId = new Map<string, Verdict>();
  /** The challenges whose context the service asked to forget, with their verdicts. */
  readonly retired: string[] = [];
  async find(id: string) {
    return this.byId.get(id) ?? null;
  }
  async saveIfAbsent(v: Verdict, claimedChallenge?: string) {
    if (claimedChallenge) this.retired.push(claimedChallenge);
    if (!this.byId.has(v.submissionId)) this.byId.set(v.submissionId, v);
    return this.byId.get(v.submissionId)!;
  }
}

/** Challenges in memory, with the rules of the claim script. */
export class MemoryChallenges extends ChallengeRepository {
  readonly byChallenge = new Map<string, ChallengeOwner & { context: ChallengeContext; claimedBy?: string; issuedAt: number }>();
  claims = 0;

  /** `verdicts`: where a submission's verdict is found, as the claim script looks first. */
  constructor(private readonly verdicts?: MemoryVerdicts) {
    super();
  }

  async issue(challenge: string, owner: ChallengeOwner, context: ChallengeContext, _ttlSeconds = 120, issuedAt = 0) {
    this.byChallenge.set(challenge, { ...owner, context, issuedAt });
  }
  async claim(challenge: string, owner: ChallengeOwner, submissionId: string): Promise<ClaimResult> {
    const decided = this.verdicts?.byId.get(submissionId);
    if (decided) return { result: 'decided', verdict: decided };
    this.claims++;
    const c = this.byChallenge.get(challenge);
    if (!c) return { result: 'not_found' };
    if (c.sessionId !== owner.sessionId || c.studentId !== owner.studentId) return { result: 'mismatch' };
    if (c.claimedBy && c.claimedBy !== submissionId) return { result: 'already_used' };
    c.claimedBy = submissionId;
    return { result: 'claimed', context: c.context };
  }
  async forgetSession(sessionId: string, closedAt = Number.MAX_SAFE_INTEGER) {
    for (const c of this.byChallenge.values()) {
      if (c.sessionId === sessionId && !c.claimedBy && c.issuedAt <= closedAt) c.context = { courseId: c.context.courseId, ...(c.context.qrMode ? { qrMode: c.context.qrMode } : {}) };
    }
  }
}

type RecordedMethods = Extract<RecordMarkReply, { result: 'recorded' }>['methods'];

/**
 * One session as session-service answers about it: the context at the challenge, and record-mark
 * with the rules of its script (sessions/session.scripts.ts). A spec changes the session's state
 * between the challenge and the submission to play a race, and reads the requests.
 */
export class FakeSessionClient implements Pick<SessionClient, 'checkinContext' | 'recordMark'> {
  readonly client = this as unknown as SessionClient;
  readonly courseId = randomUUID();
  context: CheckinContextReply | Error;
  /** The session now, as record-mark finds it. */
  state: 'open' | 'closed' | 'gone' = 'open';
  enrolled = true;
  windowClosed = false;
  /** The verdict on any QR code given. */
  qr: QrRefusal | 'valid' = 'valid';
  /** Thrown by record-mark instead of an answer (session-service unavailable). */
  failure?: Error;
  /** Every record-mark request, and those that marked the student (a retry of one included). */
  readonly requests: RecordMarkRequest[] = [];
  readonly marks: RecordMarkRequest[] = [];
  contextCalls = 0;
  private readonly present = new Map<string, { submissionId: string; methods: RecordedMethods }>();

  constructor(sessionId: string, fence: CheckinContextReply['fence']) {
    this.context = { sessionId, courseId: this.courseId, status: 'open', enrolled: true, alreadyPresent: false, fence };
  }
  /** The QR code each context request carried (undefined: none). */
  readonly contextCodes: (string | undefined)[] = [];
  async checkinContext(_sessionId: string, _studentId: string, opts: { qr?: string | undefined } = {}): Promise<CheckinContextReply> {
    this.contextCalls++;
    this.contextCodes.push(opts.qr);
    if (this.context instanceof Error) throw this.context;
    return this.context;
  }
  async recordMark(request: RecordMarkRequest): Promise<RecordMarkReply> {
    this.requests.push(request);
    if (this.failure) throw this.failure;
    if (this.state === 'gone') return { result: 'refused', reason: 'SESSION_NOT_FOUND' };
    const existing = this.present.get(request.studentId);
    if (existing?.submissionId === request.submissionId) return this.recorded(request, existing.methods);
    if (this.state === 'closed') return { result: 'refused', reason: 'SESSION_NOT_OPEN' };
    if (!this.enrolled) return { result: 'refused', reason: 'NOT_ENROLLED' };
    if (this.windowClosed) return { result: 'refused', reason: 'CHECKIN_WINDOW_CLOSED' };
    if (request.checkOnly) return { result: 'allowed' };
    if (request.qr && this.qr !== 'valid') return { result: 'qr-refused', qr: this.qr };
    if (existing) return { result: 'refused', reason: 'ALREADY_CHECKED_IN' };
    const methods: RecordedMethods = request.qr ? [...request.methods, 'qr'] : [...request.methods];
    this.present.set(request.studentId, { submissionId: request.submissionId, methods });
    return this.recorded(request, methods);
  }
  /** Another submission (another device) marked the student. */
  markedElsewhere(studentId: string): void {
    this.present.set(studentId, { submissionId: 'elsewhere', methods: ['passkey', 'geofence'] });
  }
  private recorded(request: RecordMarkRequest, methods: RecordedMethods): RecordMarkReply {
    this.marks.push(request);
    return { result: 'recorded', status: 'present', methods };
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

export class RecordingCodeRefusals extends CodeRefusalPublisher {
  readonly published: CodeRefusal[] = [];
  async publish(r: CodeRefusal) {
    this.published.push(r);
  }
}
