import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  RejectionReasons,
  type CheckinContextReply,
  type CheckinSubmission,
  type RejectionReason,
  type VerifyQrReply,
} from '@classconnect/contracts';
import { Clock } from '@classconnect/config';
import { SessionClient } from '@classconnect/messaging';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { CredentialRepository } from '../passkeys/credential.repository.js';
import { AssertionVerifier, challengeOf } from './assertion-verifier.js';
import { ChallengeRepository, type ClaimResult } from './challenge.repository.js';
import { DeviceNotApproved } from './challenge.service.js';
import { checkGeofence } from './geofence.js';
import type { CheckinMethod, RejectedVerdict, Verdict } from './verdict.js';
import { VerdictPublisher } from './verdict.publisher.js';
import { VerdictRepository } from './verdict.repository.js';
import { FlagDetector } from '../flags/flag-detector.js';

type Rejection = Pick<RejectedVerdict, 'reason' | 'message' | 'courseId' | 'distanceM' | 'accuracyM'>;

/** A decision, and the credential use to record once the decision is stored. */
interface Decision {
  verdict: Verdict;
  credentialUse?: { id: string; counter: number };
}

const ClaimRejections: Record<Exclude<ClaimResult, 'claimed'>, Rejection> = {
  not_found: {
    reason: ErrorCode.CHALLENGE_NOT_FOUND,
    message: 'This check-in request has expired or was never issued. Start the check-in again.',
  },
  mismatch: {
    reason: ErrorCode.CHALLENGE_MISMATCH,
    message: 'This check-in request was issued for another session or another student. Start the check-in again.',
  },
  already_used: {
    reason: ErrorCode.CHALLENGE_ALREADY_USED,
    message: 'This check-in request was already used. Start the check-in again if you still need to.',
  },
};

/**
 * Decides one check-in submission (docs/architecture.md, step 4). The order of the steps is what
 * makes a crash at any point, followed by a redelivery, end in exactly one verdict:
 * reuse a stored verdict → claim the challenge → verify the assertion → check the fence →
 * record the mark → store the verdict → record the credential's use → publish.
 * Infrastructure failures (SERVICE_UNAVAILABLE, Redis, Postgres) are thrown so the message is
 * redelivered; every domain failure becomes a rejected verdict.
 */
@Injectable()
export class VerdictService {
  private readonly maxAccuracyM: number;

  constructor(
    private readonly verdicts: VerdictRepository,
    private readonly challenges: ChallengeRepository,
    private readonly credentials: CredentialRepository,
    private readonly assertions: AssertionVerifier,
    private readonly sessions: SessionClient,
    private readonly publisher: VerdictPublisher,
    private readonly clock: Clock,
    @Inject(VERIFICATION_CONFIG) config: Pick<VerificationConfig, 'MAX_POSITION_ACCURACY_M'>,
    /** Check-in flags (none when left out). */
    @Optional() private readonly flagDetector?: FlagDetector,
  ) {
    this.maxAccuracyM = config.MAX_POSITION_ACCURACY_M;
  }

  async handle(submission: CheckinSubmission, correlationId?: string): Promise<Verdict> {
    const verdict = (await this.verdicts.find(submission.submissionId)) ?? (await this.decideAndStore(submission, correlationId));
    await this.publisher.publish(verdict, correlationId);
    return verdict;
  }

  private async decideAndStore(submission: CheckinSubmission, correlationId?: string): Promise<Verdict> {
    const { verdict, credentialUse } = await this.decide(submission, correlationId);
    const stored = await this.verdicts.saveIfAbsent(verdict);
    if (credentialUse) await this.credentials.recordUse(credentialUse.id, credentialUse.counter, this.clock.now());
    return stored;
  }

  private async decide(s: CheckinSubmission, correlationId?: string): Promise<Decision> {
    const reject = (r: Rejection): Decision => ({ verdict: this.rejected(s, r) });

    const challenge = challengeOf(s.assertion.response.clientDataJSON);
    if (!challenge) {
      return reject({ reason: ErrorCode.ASSERTION_INVALID, message: 'The passkey answer does not say which check-in it is for. Start the check-in again.' });
    }
    const claim = await this.challenges.claim(challenge, { sessionId: s.sessionId, studentId: s.studentId }, s.submissionId);
    if (claim !== 'claimed') return reject(ClaimRejections[claim]);

    // The session's context first: every later verdict names the course, so the teacher's live roster shows it.
    let context;
    try {
      context = await this.sessions.checkinContext(s.sessionId, s.studentId, { correlationId });
    } catch (err) {
      return reject(asRejection(err));
    }
    const courseId = context.courseId;

    const credential = await this.credentials.findById(s.assertion.id);
    if (!credential || credential.userId !== s.studentId) {
      return reject({
        reason: ErrorCode.UNKNOWN_CREDENTIAL,
        message: 'This passkey is not registered to your account. Register a passkey on this device, then check in again.',
        courseId,
      });
    }
    const assertion = await this.assertions.verify({ assertion: s.assertion, expectedChallenge: challenge, credential });
    if (!assertion.ok) return reject({ reason: assertion.reason, message: assertion.message, courseId });
    const credentialUse = { id: credential.id, counter: assertion.newCounter };
    const rejectAfterAssertion = (r: Rejection): Decision => ({ verdict: this.rejected(s, r), credentialUse });

    // Device binding: a passkey waiting for approval (or refused) proves who signed, not that the device is allowed.
    if (credential.status !== 'approved') {
      return rejectAfterAssertion({
        reason: ErrorCode.DEVICE_NOT_APPROVED,
        message: credential.status === 'denied' ? DeviceNotApproved.denied : DeviceNotApproved.pending,
        courseId,
      });
    }

    // `alreadyPresent` is left to record-mark: after a crash, this very submission may be the one that marked the student.
    if (context.status !== 'open') {
      return rejectAfterAssertion({ reason: ErrorCode.SESSION_NOT_OPEN, message: 'This session is no longer open for check-in.', courseId: context.courseId });
    }
    if (!context.enrolled) {
      return rejectAfterAssertion({ reason: ErrorCode.NOT_ENROLLED, message: 'You are not enrolled in this course.', courseId: context.courseId });
    }
    if (context.windowClosed) return rejectAfterAssertion({ ...WindowClosed, courseId: context.courseId });

    const fence = checkGeofence(s.position, context.fence, this.maxAccuracyM);
    if (!fence.inside) {
      const { reason, message, distanceM, accuracyM } = fence;
      return rejectAfterAssertion({ reason, message, distanceM, accuracyM, courseId: context.courseId });
    }

    const methods: CheckinMethod[] = ['passkey', 'geofence'];
    let qr: Rejection | 'checked' | 'not-checked';
    try {
      qr = await this.checkQr(s, context, correlationId);
    } catch (err) {
      return rejectAfterAssertion({ ...asRejection(err), courseId: context.courseId });
    }
    if (typeof qr === 'object') return rejectAfterAssertion({ ...qr, courseId: context.courseId, distanceM: fence.distanceM, accuracyM: fence.accuracyM });
    if (qr === 'checked') methods.push('qr');

    const verifiedAt = this.clock.now().toISOString();
    let mark;
    try {
      mark = await this.sessions.recordMark(
        { sessionId: s.sessionId, studentId: s.studentId, submissionId: s.submissionId, distanceM: fence.distanceM, accuracyM: fence.accuracyM, methods, verifiedAt },
        { correlationId },
      );
    } catch (err) {
      return rejectAfterAssertion({ ...asRejection(err), courseId: context.courseId, distanceM: fence.distanceM, accuracyM: fence.accuracyM });
    }
    if (!mark.recorded) {
      return rejectAfterAssertion({
        reason: ErrorCode.ALREADY_CHECKED_IN,
        message: 'You are already checked in to this session.',
        courseId: context.courseId,
        distanceM: fence.distanceM,
        accuracyM: fence.accuracyM,
      });
    }
    // Flags never reject: they go with the accepted verdict, for the teacher to judge.
    const detection = this.flagDetector ? await this.flagDetector.detect(s, context.courseId, correlationId) : { flags: [], earlier: [] };
    return {
      verdict: {
        outcome: 'verified',
        submissionId: s.submissionId,
        sessionId: s.sessionId,
        studentId: s.studentId,
        courseId: context.courseId,
        distanceM: fence.distanceM,
        accuracyM: fence.accuracyM,
        methods,
        at: verifiedAt,
        ...(detection.flags.length ? { flags: detection.flags } : {}),
        ...(detection.earlier.length ? { earlierFlags: detection.earlier } : {}),
      },
      credentialUse,
    };
  }

  /**
   * The rotating QR code, when the session uses one: required and missing is refused here; a code
   * given is judged by session-service (it holds the secret) as of when the gateway queued the
   * check-in, so a redelivery after a crash reaches the same verdict. A code sent to a session
   * without QR codes is ignored.
   */
  private async checkQr(s: CheckinSubmission, context: CheckinContextReply, correlationId?: string): Promise<Rejection | 'checked' | 'not-checked'> {
    if (!context.qrMode) return 'not-checked';
    if (!s.qr) return context.qrMode === 'required' ? { ...QrRejections.required } : 'not-checked';
    const { result } = await this.sessions.verifyQr({ sessionId: s.sessionId, studentId: s.studentId, code: s.qr, at: s.submittedAt }, { correlationId });
    if (result === 'valid') return 'checked';
    if (result === 'not-enabled') return 'not-checked';
    return { ...QrRejections[result] };
  }

  private rejected(s: CheckinSubmission, r: Rejection): RejectedVerdict {
    return {
      outcome: 'rejected',
      submissionId: s.submissionId,
      sessionId: s.sessionId,
      studentId: s.studentId,
      reason: r.reason,
      message: r.message,
      at: this.clock.now().toISOString(),
      ...(r.courseId !== undefined ? { courseId: r.courseId } : {}),
      ...(r.distanceM !== undefined ? { distanceM: r.distanceM } : {}),
      ...(r.accuracyM !== undefined ? { accuracyM: r.accuracyM } : {}),
    };
  }
}

/** What a student is told when the QR code did not prove presence. */
const QrRejections: Record<'required' | Exclude<VerifyQrReply['result'], 'valid' | 'not-enabled'>, Rejection> = {
  required: {
    reason: ErrorCode.QR_REQUIRED,
    message: 'This session needs the code shown on the teacher’s screen. Scan the QR code, or type the 6-character code beside it.',
  },
  expired: {
    reason: ErrorCode.QR_EXPIRED,
    message: 'That code has already changed on the teacher’s screen. Scan the QR code again, or type the code shown now.',
  },
  'wrong-session': {
    reason: ErrorCode.QR_WRONG_SESSION,
    message: 'That QR code belongs to another session. Scan the code shown in your room.',
  },
  invalid: {
    reason: ErrorCode.QR_INVALID,
    message: 'That code is not the one on the teacher’s screen. Check it and try again.',
  },
  throttled: {
    reason: ErrorCode.RATE_LIMITED,
    message: 'Too many wrong codes. Wait a minute, then scan the QR code again.',
  },
};

/**
 * A check-in after the session's window: CHECKIN_WINDOW_CLOSED in checkin.rejected.v2 and the
 * student's result; v1 knows no such reason and says SESSION_NOT_OPEN (rejectionReasonV1).
 */
const WindowClosed = {
  reason: ErrorCode.CHECKIN_WINDOW_CLOSED,
  message: 'The check-in time for this session is over; ask your teacher to mark you.',
} as const satisfies Rejection;

/** A domain answer from session-service that is a reason to reject; anything else (unavailable, internal) is rethrown for a redelivery. */
function asRejection(err: unknown): Rejection {
  if (err instanceof DomainError && err.code === ErrorCode.CHECKIN_WINDOW_CLOSED) return { ...WindowClosed };
  if (err instanceof DomainError && (RejectionReasons as readonly string[]).includes(err.code)) {
    return { reason: err.code as RejectionReason, message: err.message };
  }
  throw err;
}
