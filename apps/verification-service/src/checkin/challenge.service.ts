import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError, ErrorCode, authorize, inScope, type Actor, type CheckinContextReply, type IssueChallengeReply, type QrRefusal } from '@classconnect/contracts';
import { Clock } from '@classconnect/config';
import { SessionClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { CredentialRepository } from '../passkeys/credential.repository.js';
import { ChallengeRepository } from './challenge.repository.js';
import { CodeRefusalPublisher, type CodeRefusal } from './code-refusal.publisher.js';
import { FlagDetector } from '../flags/flag-detector.js';

const log = createLogger('ChallengeService');

/** What a student is told when the passkey they hold may not check in. */
export const DeviceNotApproved = {
  pending:
    'This device’s passkey is waiting for approval. Ask one of your course’s teachers (or an administrator) to approve it in ClassConnect, or check in with the device you set up first.',
  denied:
    'Your teacher refused this device’s passkey. Check in with the device you set up first, or ask your teacher or an administrator about this device.',
} as const;

export interface IssueOptions {
  correlationId?: string | undefined;
  deviceFingerprint?: string | undefined;
  qr?: string | undefined;
}

type CodeRefusalReason = CodeRefusal['reason'];

/** What a student is told when the code given at checkin:begin did not prove presence (the web client shows "try again"). */
export const QrBeginRefusals: Record<QrRefusal, { code: CodeRefusalReason; message: string }> = {
  expired: {
    code: ErrorCode.QR_EXPIRED,
    message: 'That code has already changed on the teacher’s screen. Scan the QR code again, or type the code shown now.',
  },
  'wrong-session': {
    code: ErrorCode.QR_WRONG_SESSION,
    message: 'That QR code belongs to another session. Scan the code shown in your room.',
  },
  invalid: {
    code: ErrorCode.QR_INVALID,
    message: 'That code is not the one on the teacher’s screen. Check it and try again.',
  },
  throttled: {
    code: ErrorCode.RATE_LIMITED,
    message: 'Too many wrong codes. Wait a minute, then scan the QR code again.',
  },
};

/** How long a student has from "check in" to a submitted assertion. */
export const ChallengeTtlSeconds = 120;

/**
 * Issues check-in challenges (docs/architecture.md, step 2), each with what its verdict needs of the
 * session (course, fence, window, QR mode and the QR code's verdict), so deciding it asks
 * session-service only to record the mark.
 */
@Injectable()
export class ChallengeService {
  private readonly rpId: string;

  constructor(
    private readonly sessions: SessionClient,
    private readonly credentials: CredentialRepository,
    private readonly challenges: ChallengeRepository,
    private readonly codeRefusals: CodeRefusalPublisher,
    private readonly clock: Clock,
    @Inject(VERIFICATION_CONFIG) config: Pick<VerificationConfig, 'WEBAUTHN_RP_ID'>,
    /** Check-in flags: remembers which device began a check-in (none when left out). */
    @Optional() private readonly flagDetector?: FlagDetector,
  ) {
    this.rpId = config.WEBAUTHN_RP_ID;
  }

  /**
   * `deviceFingerprint`: the gateway's hash of the connection's client signals, for the check-in
   * flags. `qr`: the rotating QR code the student gave, judged now by session-service (which holds
   * the secret) and bound into the challenge, so the time the passkey prompt and the position take
   * does not count against it.
   */
  async issue(actor: Actor, sessionId: string, opts: IssueOptions = {}): Promise<IssueChallengeReply> {
    const { correlationId, deviceFingerprint, qr } = opts;
    const scope = authorize(actor, 'checkin.submit');
    const studentId = actor.userId;

    const context = await this.sessions.checkinContext(sessionId, studentId, { correlationId, ...(qr !== undefined ? { qr } : {}) });
    if (context.status !== 'open') throw new DomainError(ErrorCode.SESSION_NOT_OPEN, 'This session is not open for check-in.');
    // A begin is a use of the account, even one refused below: two devices at once get the check-in
    // flagged. Recorded while the challenge is made (both go to Redis in one write), and waited for
    // whatever the answer: should it fail, the begin fails as before, and nothing is published.
    const noted = context.enrolled ? this.flagDetector?.noteBegin(sessionId, studentId, deviceFingerprint) : undefined;
    noted?.catch(() => undefined); // awaited below; this only keeps a failure meanwhile from counting as unhandled
    try {
      return await this.challengeFor(actor, scope, sessionId, context, noted, correlationId);
    } catch (err) {
      if (noted) {
        await noted.catch((failure: unknown) => {
          // The failure to remember the device is what the student is told; the refusal it hides goes to the log.
          if (failure !== err) log.warn({ sessionId, studentId, refusal: err instanceof DomainError ? err.code : 'INTERNAL' }, 'a refused begin whose device could not be remembered');
          throw failure;
        });
      }
      throw err;
    }
  }

  private async challengeFor(
    actor: Actor,
    scope: ReturnType<typeof authorize>,
    sessionId: string,
    context: CheckinContextReply,
    /** The device being remembered for the flags: waited for before anything is published or stored. */
    noted: Promise<void> | undefined,
    correlationId?: string,
  ): Promise<IssueChallengeReply> {
    const studentId = actor.userId;
    if (!inScope(scope, { enrolled: context.enrolled })) throw new DomainError(ErrorCode.NOT_ENROLLED, 'You are not enrolled in this course.');
    if (context.alreadyPresent) throw new DomainError(ErrorCode.ALREADY_CHECKED_IN, 'You are already checked in to this session.');
    if (context.windowClosed) {
      throw new DomainError(ErrorCode.CHECKIN_WINDOW_CLOSED, 'The check-in time for this session is over; ask your teacher to mark you.');
    }

    // A wrong or stale code: nothing is wrong with the student, who is asked for the code shown now.
    // The teacher's roster hears of it (as "needs retry"), since no submission will follow.
    if (context.qr && context.qr !== 'valid') {
      const refusal = QrBeginRefusals[context.qr];
      await noted;
      await this.codeRefusals.publish(
        { sessionId, courseId: context.courseId, studentId, reason: refusal.code, message: refusal.message, refusedAt: this.clock.now().toISOString() },
        correlationId,
      );
      throw new DomainError(refusal.code, refusal.message);
    }

    const passkeys = await this.credentials.listForCheckin(studentId);
    if (passkeys.length === 0) {
      throw new DomainError(ErrorCode.NO_PASSKEY, 'You have no passkey yet. Register one on this device, then check in.');
    }
    // Device binding: with no approved passkey at all there is nothing to sign with yet. (With one, every
    // passkey is offered, so a device still waiting is told so by the verdict rather than by a silent browser.)
    if (!passkeys.some((p) => p.status === 'approved')) {
      throw new DomainError(ErrorCode.DEVICE_NOT_APPROVED, DeviceNotApproved.pending);
    }

    const challenge = randomBytes(32).toString('base64url');
    const { courseId, fence, qrMode } = context;
    // Sent in the same turn as the device's record: one write to Redis. Should that record fail,
    // the challenge is never given out and expires unused.
    await Promise.all([
      noted,
      this.challenges.issue(
        challenge,
        { sessionId, studentId },
        {
          courseId,
          fence,
          ...(context.checkinClosesAt ? { checkinClosesAt: context.checkinClosesAt } : {}),
          ...(qrMode ? { qrMode } : {}),
          ...(qrMode && context.qr === 'valid' ? { qr: 'valid' as const } : {}),
        },
        ChallengeTtlSeconds,
        this.clock.nowMs(),
      ),
    ]);
    const expiresAt = new Date(this.clock.now().getTime() + ChallengeTtlSeconds * 1000);
    return {
      sessionId,
      options: {
        challenge,
        rpId: this.rpId,
        timeout: ChallengeTtlSeconds * 1000,
        userVerification: 'required',
        allowCredentials: passkeys.map((p) => ({ id: p.id, type: 'public-key' as const, ...(p.transports.length ? { transports: p.transports } : {}) })),
      },
      expiresAt: expiresAt.toISOString(),
    };
  }
}
