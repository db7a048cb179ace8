/**
 * Check-ins (request/reply on NATS core): the challenge a student signs (verification-service),
 * the verdict already given to a submission, and what verification asks session-service: once at
 * the challenge (the check-in context, with the rotating QR code's verdict, all carried in the
 * challenge) and once at the verdict (the atomic record-mark). The submission itself travels on
 * a work queue: intake.ts. A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, Id, IsoTime } from '../primitives.js';
import { QrCodeInput } from '../sessions/rpc.js';
import { command } from '../slice-maps.js';
import type { AuthenticationOptions } from '../webauthn.js';
import type { RejectionReasonV3 } from './errors.js';

/**
 * Internal: what verification needs to issue a challenge and, later, to decide it. Never exposed
 * through the gateway. `qr`: the code the student gave at checkin:begin, judged now (the secret
 * stays in session-service) and counted against the student's attempts.
 */
export const CheckinContextRequest = z.object({ sessionId: Id, studentId: Id, qr: QrCodeInput.optional() }).strict();
export interface CheckinContextReply {
  sessionId: string;
  courseId: string;
  status: 'open' | 'closed';
  enrolled: boolean;
  alreadyPresent: boolean;
  fence: { latitude: number; longitude: number; radiusM: number };
  /** True while the session is open but its check-in window has passed. */
  windowClosed?: boolean;
  /**
   * When check-ins end (ISO 8601), while the session is open and has a window. Carried in the
   * challenge, so a submission after it is refused without asking again (record-mark checks it too).
   */
  checkinClosesAt?: string;
  /** Present when the session uses rotating QR codes. */
  qrMode?: 'offered' | 'required';
  /**
   * The code's verdict, when one was given, the session uses QR codes and the student may check in
   * (open, enrolled, not yet present, window open): only then is it judged and counted.
   */
  qr?: 'valid' | QrRefusal;
}

/** The QR code's verdict when it did not prove presence; `throttled`: too many wrong codes this minute, not checked. */
export type QrRefusal = 'expired' | 'wrong-session' | 'invalid' | 'throttled';

/** Why session-service refuses to mark a student (the check-in's verdict carries the same code). */
export type MarkRefusal = 'SESSION_NOT_FOUND' | 'SESSION_NOT_OPEN' | 'NOT_ENROLLED' | 'CHECKIN_WINDOW_CLOSED' | 'ALREADY_CHECKED_IN';

/**
 * Internal (verification → session): record a verified student as present, in one atomic step that
 * checks again what may have changed since the challenge was issued: the session is open, the
 * student enrolled, the check-in window not passed at `verifiedAt`, the QR code (when given) valid
 * at `qr.at` (when the gateway queued the check-in), the student not yet present. Idempotent on
 * (sessionId, studentId, submissionId).
 */
export const RecordMarkRequest = z
  .object({
    sessionId: Id,
    studentId: Id,
    submissionId: z.string().min(1).max(128),
    distanceM: z.number().finite().min(0),
    accuracyM: z.number().finite().min(0),
    /**
     * The proofs verification holds: `qr` when the code given at checkin:begin was judged valid then
     * (bound in the challenge); otherwise `qr` is added when the code given here is valid.
     */
    methods: z.array(z.enum(['passkey', 'geofence', 'qr'])).min(1),
    verifiedAt: IsoTime,
    /**
     * A code given only with checkin:submit (the older way), judged as of `at`. Failed attempts count
     * against the student (a few per minute per session).
     */
    qr: z.object({ code: QrCodeInput, at: IsoTime }).strict().optional(),
    /**
     * Only the session's conditions are checked, nothing is written. verification-service no longer
     * sends it (a refusal of its own — the fence, a missing QR code — is decided without this call);
     * still answered for an older instance during a rolling update.
     */
    checkOnly: z.literal(true).optional(),
  })
  .strict();
export type RecordMarkRequest = z.infer<typeof RecordMarkRequest>;
export type RecordMarkReply =
  /** This submission marked the student (also on a retry of it, even once the session closed). */
  | { result: 'recorded'; status: 'present' | 'late'; methods: ('passkey' | 'geofence' | 'qr')[] }
  /** checkOnly: the session's conditions hold. */
  | { result: 'allowed' }
  | { result: 'refused'; reason: MarkRefusal }
  | { result: 'qr-refused'; qr: QrRefusal };

export const IssueChallengeRequest = z
  .object({
    actor: Actor,
    sessionId: Id,
    /** The rotating QR code, judged now and bound into the challenge (see checkin:begin). */
    qr: QrCodeInput.optional(),
    /** Check-in flags: the gateway's keyed hash of the connection's client signals (never the signals themselves). */
    deviceFingerprint: z.string().min(1).max(64).optional(),
  })
  .strict();
export type IssueChallengeRequest = z.infer<typeof IssueChallengeRequest>;
export interface IssueChallengeReply {
  sessionId: string;
  options: AuthenticationOptions;
  expiresAt: string;
}

/** Internal (gateway → verification): the verdict already given to one of this student's submissions, if any. */
export const VerdictLookupRequest = z.object({ studentId: Id, submissionId: z.string().min(1).max(128) }).strict();
export interface VerdictLookupReply {
  result: CheckinResult | null;
}

/** A check-in's verdict as the student is told it (checkin:result, or the ack of a retried checkin:submit). */
export interface CheckinResult {
  submissionId: string;
  sessionId: string;
  verdict: 'accepted' | 'rejected';
  reason?: RejectionReasonV3;
  message?: string;
  distanceM?: number;
  at: string;
}

export const CheckinRpc = {
  checkinChallenge: command('cc.verification.challenge.v1', IssueChallengeRequest).replies<IssueChallengeReply>(),
  checkinVerdict: command('cc.verification.verdict.v1', VerdictLookupRequest).replies<VerdictLookupReply>(),
  sessionCheckinContext: command('cc.session.checkin-context.v1', CheckinContextRequest).replies<CheckinContextReply>(),
  sessionRecordMark: command('cc.session.record-mark.v2', RecordMarkRequest).replies<RecordMarkReply>(),
};
