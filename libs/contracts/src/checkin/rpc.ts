/**
 * Check-ins (request/reply on NATS core): the challenge a student signs (verification-service),
 * the verdict already given to a submission, and what verification asks session-service while it
 * decides (the check-in context, the rotating QR code, the mark). The submission itself travels on
 * a work queue: intake.ts. A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, Id, IsoTime } from '../primitives.js';
import { QrCodeInput } from '../sessions/rpc.js';
import { command } from '../slice-maps.js';
import type { AuthenticationOptions } from '../webauthn.js';
import type { RejectionReasonV3 } from './errors.js';

/** Internal: what verification needs to decide a check-in. Never exposed through the gateway. */
export const CheckinContextRequest = z.object({ sessionId: Id, studentId: Id }).strict();
export interface CheckinContextReply {
  sessionId: string;
  courseId: string;
  status: 'open' | 'closed';
  enrolled: boolean;
  alreadyPresent: boolean;
  fence: { latitude: number; longitude: number; radiusM: number };
  /** True while the session is open but its check-in window has passed. */
  windowClosed?: boolean;
  /** Present when the session uses rotating QR codes. */
  qrMode?: 'offered' | 'required';
}

/**
 * Internal (verification → session): is this code valid for this session at `at` (when the gateway
 * queued the check-in)? Failed attempts count against the student (a few per minute per session).
 */
export const VerifyQrRequest = z.object({ sessionId: Id, studentId: Id, code: QrCodeInput, at: IsoTime }).strict();
export type VerifyQrRequest = z.infer<typeof VerifyQrRequest>;
export interface VerifyQrReply {
  result: 'valid' | 'expired' | 'wrong-session' | 'invalid' | 'throttled' | 'not-enabled';
}

/** Internal: record a verified student as present. Idempotent on (sessionId, studentId). */
export const RecordMarkRequest = z
  .object({
    sessionId: Id,
    studentId: Id,
    submissionId: z.string().min(1).max(128),
    distanceM: z.number().finite().min(0),
    accuracyM: z.number().finite().min(0),
    methods: z.array(z.enum(['passkey', 'geofence', 'qr'])).min(1),
    verifiedAt: IsoTime,
  })
  .strict();
export type RecordMarkRequest = z.infer<typeof RecordMarkRequest>;
export interface RecordMarkReply {
  /** true when this submission is the one that marked the student (also on a retry of it). */
  recorded: boolean;
  /** When recorded is false: the student was already marked by another submission. */
  alreadyPresent: boolean;
  /** When recorded: the mark's status (late after the session's threshold). */
  status?: 'present' | 'late';
}

export const IssueChallengeRequest = z
  .object({
    actor: Actor,
    sessionId: Id,
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
  sessionRecordMark: command('cc.session.record-mark.v1', RecordMarkRequest).replies<RecordMarkReply>(),
  sessionVerifyQr: command('cc.session.verify-qr.v1', VerifyQrRequest).replies<VerifyQrReply>(),
};
