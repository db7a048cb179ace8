/**
 * Error codes of a check-in (joined into ErrorCode, error-codes.ts), and the reasons each version
 * of attendance.checkin.rejected promises. A published code is never renamed or given a new meaning.
 */
import { CommonErrorCodes } from '../common-errors.js';
import { DeviceErrorCodes } from '../devices/errors.js';
import { PasskeyErrorCodes } from '../passkeys/errors.js';
import { SessionErrorCodes } from '../sessions/errors.js';

export const CheckinErrorCodes = {
  NOT_ENROLLED: 'NOT_ENROLLED',
  ALREADY_CHECKED_IN: 'ALREADY_CHECKED_IN',
  /** The session is still open, but its check-in window (windowMinutes, or the maximum session length) has passed. */
  CHECKIN_WINDOW_CLOSED: 'CHECKIN_WINDOW_CLOSED',
  // challenges
  CHALLENGE_NOT_FOUND: 'CHALLENGE_NOT_FOUND',
  CHALLENGE_MISMATCH: 'CHALLENGE_MISMATCH',
  CHALLENGE_ALREADY_USED: 'CHALLENGE_ALREADY_USED',
  // position
  OUTSIDE_GEOFENCE: 'OUTSIDE_GEOFENCE',
  POSITION_TOO_INACCURATE: 'POSITION_TOO_INACCURATE',
  // rotating QR codes
  /** The session requires the code shown on the teacher's screen, and the check-in carried none. */
  QR_REQUIRED: 'QR_REQUIRED',
  /** The code was this session's, but from an older step than the current or the previous one. */
  QR_EXPIRED: 'QR_EXPIRED',
  /** The code belongs to another session. */
  QR_WRONG_SESSION: 'QR_WRONG_SESSION',
  /** The code is not one this session ever showed. */
  QR_INVALID: 'QR_INVALID',
} as const;

/** The codes a check-in can be refused with, whichever context they belong to. */
const Code = { ...CommonErrorCodes, ...SessionErrorCodes, ...PasskeyErrorCodes, ...DeviceErrorCodes, ...CheckinErrorCodes } as const;

/**
 * The subset of codes a check-in verdict can carry as its rejection reason. attendance.checkin.rejected.v1
 * promises this list: a new code here needs a new event version. (A check-in refused because its
 * window passed is therefore SESSION_NOT_OPEN in v1, with a sentence saying so; v2, the student's
 * checkin:result and the challenge's ack say CHECKIN_WINDOW_CLOSED.)
 */
export const RejectionReasons = [
  Code.SESSION_NOT_FOUND,
  Code.SESSION_NOT_OPEN,
  Code.NOT_ENROLLED,
  Code.ALREADY_CHECKED_IN,
  Code.NO_PASSKEY,
  Code.UNKNOWN_CREDENTIAL,
  Code.CHALLENGE_NOT_FOUND,
  Code.CHALLENGE_MISMATCH,
  Code.CHALLENGE_ALREADY_USED,
  Code.ASSERTION_INVALID,
  Code.USER_NOT_VERIFIED,
  Code.COUNTER_REPLAY,
  Code.OUTSIDE_GEOFENCE,
  Code.POSITION_TOO_INACCURATE,
] as const;
export type RejectionReason = (typeof RejectionReasons)[number];

/**
 * The reasons of attendance.checkin.rejected.v2 (and of a student's checkin:result): v1's, plus the
 * rotating QR code's, RATE_LIMITED (too many wrong codes in a minute) and CHECKIN_WINDOW_CLOSED (the
 * session's check-in window had passed; added while v2 was new, within the same issue). A new code here needs v3.
 */
export const RejectionReasonsV2 = [
  ...RejectionReasons,
  Code.QR_REQUIRED,
  Code.QR_EXPIRED,
  Code.QR_WRONG_SESSION,
  Code.QR_INVALID,
  Code.RATE_LIMITED,
] as const;
export type RejectionReasonV2 = (typeof RejectionReasonsV2)[number];

/**
 * The reasons of attendance.checkin.rejected.v3: v2's, plus a passkey not (yet) approved for
 * check-in (device binding) and a check-in whose window had passed. v2 and v1 keep their published
 * lists and carry the nearest reason they know (events.ts). A new code here needs v4.
 */
export const RejectionReasonsV3 = [...RejectionReasonsV2, Code.DEVICE_NOT_APPROVED, Code.CHECKIN_WINDOW_CLOSED] as const;
export type RejectionReasonV3 = (typeof RejectionReasonsV3)[number];
