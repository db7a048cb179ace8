import { Inject, Injectable, Optional } from '@nestjs/common';
import { ErrorCode, type CheckinSubmission, type MarkRefusal, type QrRefusal } from '@classconnect/contracts';
import { Clock } from '@classconnect/config';
import { SessionClient } from '@classconnect/messaging';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { CredentialRepository } from '../passkeys/credential.repository.js';
import { AssertionVerifier, challengeOf } from './assertion-verifier.js';
import { ChallengeRepository, type ClaimResult } from './challenge.repository.js';
import { DeviceNotApproved, QrBeginRefusals } from './challenge.service.js';
import { checkGeofence } from './geofence.js';
import type { RejectedVerdict, Verdict } from './verdict.js';
import { VerdictPublisher } from './verdict.publisher.js';
import { VerdictRepository } from './verdict.repository.js';
import { FlagDetector } from '../flags/flag-detector.js';

type Rejection = Pick<RejectedVerdict, 'reason' | 'message' | 'courseId' | 'distanceM' | 'accuracyM'>;

/** A decision, the challenge it claimed (to forget its context once stored) and the credential use to record. */
interface Decision {
  verdict: Verdict;
  claimedChallenge?: string;
  credentialUse?: { id: string; counter: number };
  /** The verdict was found stored (a redelivery): nothing to store or record again. */
  stored?: true;
}

const ClaimRejections: Record<Exclude<ClaimResult['result'], 'claimed' | 'decided'>, Rejection> = {
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
 * reuse a stored verdict, or else claim the challenge (one Redis script; the claim gives the session's context) → verify the
 * assertion → check the window and the fence → record the mark (the one call to session-service: it
 * checks again, in one script, what may have changed since the challenge, and answers a retry of its
 * own mark as recorded) → store the verdict → record the credential's use → publish.
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
    const verdict = await this.decideAndStore(submission, correlationId);
    await this.publisher.publish(verdict, correlationId);
    return verdict;
  }

  private async decideAndStore(submission: CheckinSubmission, correlationId?: string): Promise<Verdict> {
    const { verdict, claimedChallenge, credentialUse, stored: found } = await this.decide(submission, correlationId);
    if (found) return verdict;
    const stored = await this.verdicts.saveIfAbsent(verdict, claimedChallenge);
    if (credentialUse) await this.credentials.recordUse(credentialUse.id, credentialUse.counter, this.clock.now());
    return stored;
  }

  private async decide(s: CheckinSubmission, correlationId?: string): Promise<Decision> {
    const reject = (r: Rejection): Decision => ({ verdict: this.rejected(s, r) });

    const challenge = challengeOf(s.assertion.response.clientDataJSON);
    if (!challenge) {
      const earlier = await this.verdicts.find(s.submissionId);
      if (earlier) return { verdict: earlier, stored: true };
      return reject({ reason: ErrorCode.ASSERTION_INVALID, message: 'The passkey answer does not say which check-in it is for. Start the check-in again.' });
    }
    // A redelivered submission finds its verdict here, in the same Redis call as the claim.
    const claim = await this.challenges.claim(challenge, { sessionId: s.sessionId, studentId: s.studentId }, s.submissionId);
    if (claim.result === 'decided') return { verdict: claim.verdict, stored: true };
    if (claim.result !== 'claimed') return reject(ClaimRejections[claim.result]);
    // Every later verdict names the course, so the teacher's live roster shows it.
    const { courseId, qrMode, fence: sessionFence, checkinClosesAt } = claim.context;
    // The code given at checkin:begin was judged then: what begin found stands, however long the
    // passkey prompt and the position took since.
    const codeProven = qrMode !== undefined && claim.context.qr === 'valid';
    const rejectClaimed = (r: Rejection): Decision => ({ verdict: this.rejected(s, r), claimedChallenge: challenge });
    // The session closed before this challenge was used, and its fence went with it.
    if (!sessionFence) return rejectClaimed({ ...MarkRefusals.SESSION_NOT_OPEN, courseId });

    const credential = await this.credentials.findById(s.assertion.id);
    if (!credential || credential.userId !== s.studentId) {
      return rejectClaimed({
        reason: ErrorCode.UNKNOWN_CREDENTIAL,
        message: 'This passkey is not registered to your account. Register a passkey on this device, then check in again.',
        courseId,
      });
    }
    const assertion = await this.assertions.verify({ assertion: s.assertion, expectedChallenge: challenge, credential });
    if (!assertion.ok) return rejectClaimed({ reason: assertion.reason, message: assertion.message, courseId });
    const credentialUse = { id: credential.id, counter: assertion.newCounter };
    const rejectAfterAssertion = (r: Rejection): Decision => ({ ...rejectClaimed(r), credentialUse });

    // Device binding: a passkey waiting for approval (or refused) proves who signed, not that the device is allowed.
    if (credential.status !== 'approved') {
      return rejectAfterAssertion({
        reason: ErrorCode.DEVICE_NOT_APPROVED,
        message: credential.status === 'denied' ? DeviceNotApproved.denied : DeviceNotApproved.pending,
        courseId,
      });
    }

    // Everything this decision needs of the session came with the challenge (course, fence, window,
    // QR mode and the code's verdict at begin): the only call to session-service is the atomic
    // record-mark below, which checks again what may have changed since (open, enrolled, the window
    // at the verdict's time, already present). A refusal of verification's own — a submission queued
    // after the window, outside the fence, a required code missing — is decided here, without asking.
    // Each depends only on the submission and the challenge, so a redelivery after a crash decides it
    // the same way and never refuses a mark an earlier delivery recorded. (A session closed since the
    // challenge is usually known already: its fence left the challenge when the close was seen.)
    if (checkinClosesAt && Date.parse(s.submittedAt) > Date.parse(checkinClosesAt)) {
      return rejectAfterAssertion({ ...MarkRefusals.CHECKIN_WINDOW_CLOSED, courseId });
    }
    const fence = checkGeofence(s.position, sessionFence, this.maxAccuracyM);
    const { distanceM, accuracyM } = fence;
    if (!fence.inside) return rejectAfterAssertion({ reason: fence.reason, message: fence.message, distanceM, accuracyM, courseId });
    if (qrMode === 'required' && !codeProven && !s.qr) return rejectAfterAssertion({ ...QrRejections.required, distanceM, accuracyM, courseId });
    // A code sent to a session without QR codes is ignored. One given only with the submission (the
    // older way) is judged by session-service in the same call, as of when the gateway queued the
    // check-in, so a redelivery after a crash reaches the same verdict.
    const qr = qrMode && !codeProven && s.qr ? { code: s.qr, at: s.submittedAt } : undefined;

    const verifiedAt = this.clock.now().toISOString();
    const mark = await this.sessions.recordMark(
      {
        sessionId: s.sessionId,
        studentId: s.studentId,
        submissionId: s.submissionId,
        distanceM,
        accuracyM,
        methods: codeProven ? ['passkey', 'geofence', 'qr'] : ['passkey', 'geofence'],
        verifiedAt,
        ...(qr ? { qr } : {}),
      },
      { correlationId },
    );
    switch (mark.result) {
      case 'refused':
        return rejectAfterAssertion(
          mark.reason === ErrorCode.ALREADY_CHECKED_IN ? { ...MarkRefusals[mark.reason], courseId, distanceM, accuracyM } : { ...MarkRefusals[mark.reason], courseId },
        );
      case 'allowed':
        throw new Error('session-service answered "allowed" to a mark it was asked to record');
      case 'qr-refused':
        return rejectAfterAssertion({ ...QrRejections[mark.qr], courseId, distanceM, accuracyM });
      case 'recorded':
        break;
    }
    // Flags never reject: they go with the accepted verdict, for the teacher to judge.
    const detection = this.flagDetector ? await this.flagDetector.detect(s, courseId, correlationId) : { flags: [], earlier: [] };
    return {
      verdict: {
        outcome: 'verified',
        submissionId: s.submissionId,
        sessionId: s.sessionId,
        studentId: s.studentId,
        courseId,
        distanceM,
        accuracyM,
        methods: mark.methods,
        at: verifiedAt,
        ...(detection.flags.length ? { flags: detection.flags } : {}),
        ...(detection.earlier.length ? { earlierFlags: detection.earlier } : {}),
      },
      claimedChallenge: challenge,
      credentialUse,
    };
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

/** What a student is told when the QR code did not prove presence: the same sentences as at checkin:begin. */
const QrRejections: Record<'required' | QrRefusal, Rejection> = {
  required: {
    reason: ErrorCode.QR_REQUIRED,
    message: 'This session needs the code shown on the teacher’s screen. Scan the QR code, or type the 6-character code beside it.',
  },
  expired: { reason: QrBeginRefusals.expired.code, message: QrBeginRefusals.expired.message },
  'wrong-session': { reason: QrBeginRefusals['wrong-session'].code, message: QrBeginRefusals['wrong-session'].message },
  invalid: { reason: QrBeginRefusals.invalid.code, message: QrBeginRefusals.invalid.message },
  throttled: { reason: QrBeginRefusals.throttled.code, message: QrBeginRefusals.throttled.message },
};

/**
 * What a student is told when the session refuses the mark. A check-in after the session's window is
 * CHECKIN_WINDOW_CLOSED in checkin.rejected.v2 and the student's result; v1 knows no such reason and
 * says SESSION_NOT_OPEN (rejectionReasonV1).
 */
const MarkRefusals: Record<MarkRefusal, Rejection> = {
  SESSION_NOT_FOUND: {
    reason: ErrorCode.SESSION_NOT_FOUND,
    message: 'There is no such session. It may have ended more than a week ago.',
  },
  SESSION_NOT_OPEN: {
    reason: ErrorCode.SESSION_NOT_OPEN,
    message: 'This session is no longer open for check-in.',
  },
  NOT_ENROLLED: {
    reason: ErrorCode.NOT_ENROLLED,
    message: 'You are not enrolled in this course.',
  },
  CHECKIN_WINDOW_CLOSED: {
    reason: ErrorCode.CHECKIN_WINDOW_CLOSED,
    message: 'The check-in time for this session is over; ask your teacher to mark you.',
  },
  ALREADY_CHECKED_IN: {
    reason: ErrorCode.ALREADY_CHECKED_IN,
    message: 'You are already checked in to this session.',
  },
};
