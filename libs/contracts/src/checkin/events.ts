/**
 * Facts about check-ins, on the stream ATTENDANCE: a check-in verified or rejected, a student
 * marked present by it. events.ts joins them into EventSubjects and EventSchemas. A published type
 * is never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';
import { RejectionReasons, RejectionReasonsV2, RejectionReasonsV3, type RejectionReason, type RejectionReasonV2, type RejectionReasonV3 } from './errors.js';

const Methods = z.array(z.enum(['passkey', 'geofence', 'qr']));

export const CheckinVerifiedV1 = z.object({
  submissionId: z.string(),
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  distanceM: z.number(),
  accuracyM: z.number(),
  methods: Methods,
  verifiedAt: IsoTime,
});
export const CheckinRejectedV1 = z.object({
  submissionId: z.string(),
  sessionId: Id,
  courseId: Id.optional(),
  studentId: Id,
  reason: z.enum(RejectionReasons),
  message: z.string(),
  distanceM: z.number().optional(),
  accuracyM: z.number().optional(),
  rejectedAt: IsoTime,
});
export const CheckinRejectedV2 = CheckinRejectedV1.extend({ reason: z.enum(RejectionReasonsV2) });
export const CheckinRejectedV3 = CheckinRejectedV1.extend({ reason: z.enum(RejectionReasonsV3) });

/** What checkin.rejected.v2 says for a v3-only reason (its `message` still says what happened). */
export const V3ReasonInV2 = {
  // a passkey that may not check in yet reads, in v2, like one that is not registered
  DEVICE_NOT_APPROVED: 'UNKNOWN_CREDENTIAL',
  // the check-in window had passed: v2 says the session is not open (for check-ins)
  CHECKIN_WINDOW_CLOSED: 'SESSION_NOT_OPEN',
} as const satisfies Record<Exclude<RejectionReasonV3, RejectionReasonV2>, RejectionReasonV2>;

/** The reason checkin.rejected.v2 carries for a v3 reason. */
export function rejectionReasonV2(reason: RejectionReasonV3): RejectionReasonV2 {
  return reason in V3ReasonInV2 ? V3ReasonInV2[reason as keyof typeof V3ReasonInV2] : (reason as RejectionReasonV2);
}

/**
 * What checkin.rejected.v1 says for a v2-only reason (its `message` still says what happened):
 * a code that expired or was never shown is like a challenge not found, another session's is like
 * a challenge issued for another session.
 */
export const QrReasonInV1 = {
  QR_REQUIRED: 'CHALLENGE_NOT_FOUND',
  QR_EXPIRED: 'CHALLENGE_NOT_FOUND',
  QR_INVALID: 'CHALLENGE_NOT_FOUND',
  RATE_LIMITED: 'CHALLENGE_NOT_FOUND',
  QR_WRONG_SESSION: 'CHALLENGE_MISMATCH',
  // device binding: a passkey that may not check in yet reads, in v1, like one that is not registered
  DEVICE_NOT_APPROVED: 'UNKNOWN_CREDENTIAL',
  // Check-in flags feature: the window-closed verdict keeps v1's SESSION_NOT_OPEN.
  CHECKIN_WINDOW_CLOSED: 'SESSION_NOT_OPEN',
} as const satisfies Record<Exclude<RejectionReasonV3, RejectionReason>, RejectionReason>;

/** The reason checkin.rejected.v1 carries for a v2 or v3 reason. */
export function rejectionReasonV1(reason: RejectionReasonV3): RejectionReason {
  return (RejectionReasons as readonly string[]).includes(reason) ? (reason as RejectionReason) : QrReasonInV1[reason as keyof typeof QrReasonInV1];
}

export const MarkRecordedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  status: z.enum(['present']),
  source: z.enum(['checkin']),
  submissionId: z.string(),
  distanceM: z.number(),
  accuracyM: z.number(),
  methods: Methods,
  markedAt: IsoTime,
});
export const MarkRecordedV2 = MarkRecordedV1.extend({
  /** `late` when the check-in was verified more than the session's lateAfterMinutes after it opened. */
  status: z.enum(['present', 'late']),
});

/**
 * The rotating QR code a student gave at checkin:begin did not prove presence (stale, another
 * session's, wrong, or too many wrong ones this minute): no challenge was issued, and the student
 * is asked for the code shown now. Not a rejected check-in (nothing was submitted): the teacher's
 * live roster shows the student as "needs retry".
 */
export const CheckinCodeRefusedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  reason: z.enum(['QR_EXPIRED', 'QR_WRONG_SESSION', 'QR_INVALID', 'RATE_LIMITED']),
  message: z.string(),
  refusedAt: IsoTime,
});

export const CheckinStreamEvents = {
  checkinVerified: streamEvent('attendance.checkin.verified.v1', CheckinVerifiedV1),
  checkinRejected: streamEvent('attendance.checkin.rejected.v1', CheckinRejectedV1),
  markRecorded: streamEvent('attendance.mark.recorded.v1', MarkRecordedV1),
  /** Like mark.recorded.v1, with status present | late. Published beside v1 (v2 first), for the same check-in. */
  markRecordedV2: streamEvent('attendance.mark.recorded.v2', MarkRecordedV2),
  /**
   * Like checkin.rejected.v1, with the rotating QR code's reasons. Published for every rejection,
   * beside v1 (v2 first); v1 carries the nearest v1 reason (QrReasonInV1).
   */
  checkinRejectedV2: streamEvent('attendance.checkin.rejected.v2', CheckinRejectedV2),
  /**
   * Like checkin.rejected.v2, with device binding's DEVICE_NOT_APPROVED and CHECKIN_WINDOW_CLOSED.
   * Published for every rejection, first, then v2 and v1 with the nearest reason each knows.
   */
  checkinRejectedV3: streamEvent('attendance.checkin.rejected.v3', CheckinRejectedV3),
  /** A QR code refused at checkin:begin (the student begins again with the code shown now). */
  checkinCodeRefused: streamEvent('attendance.checkin.code-refused.v1', CheckinCodeRefusedV1),
};
