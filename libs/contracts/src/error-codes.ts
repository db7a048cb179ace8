/**
 * Every error and rejection carries one of these codes and a sentence for people.
 * A published code is never renamed or given a new meaning: add a new one beside it.
 */
export const ErrorCode = {
  // request shape and identity
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  FORBIDDEN: 'FORBIDDEN',
  IDENTITY_MISMATCH: 'IDENTITY_MISMATCH',
  RATE_LIMITED: 'RATE_LIMITED',
  // courses and sessions
  COURSE_NOT_FOUND: 'COURSE_NOT_FOUND',
  NOT_COURSE_TEACHER: 'NOT_COURSE_TEACHER',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  SESSION_ALREADY_OPEN: 'SESSION_ALREADY_OPEN',
  SESSION_NOT_OPEN: 'SESSION_NOT_OPEN',
  NOT_ENROLLED: 'NOT_ENROLLED',
  ALREADY_CHECKED_IN: 'ALREADY_CHECKED_IN',
  REPORT_NOT_READY: 'REPORT_NOT_READY',
  /** The session is still open, but its check-in window (windowMinutes, or the maximum session length) has passed. */
  CHECKIN_WINDOW_CLOSED: 'CHECKIN_WINDOW_CLOSED',
  // passkeys and challenges
  NO_PASSKEY: 'NO_PASSKEY',
  PASSKEY_REGISTRATION_FAILED: 'PASSKEY_REGISTRATION_FAILED',
  UNKNOWN_CREDENTIAL: 'UNKNOWN_CREDENTIAL',
  CHALLENGE_NOT_FOUND: 'CHALLENGE_NOT_FOUND',
  CHALLENGE_MISMATCH: 'CHALLENGE_MISMATCH',
  CHALLENGE_ALREADY_USED: 'CHALLENGE_ALREADY_USED',
  ASSERTION_INVALID: 'ASSERTION_INVALID',
  USER_NOT_VERIFIED: 'USER_NOT_VERIFIED',
  COUNTER_REPLAY: 'COUNTER_REPLAY',
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
  /** session:qr for a session that does not use QR codes. */
  QR_NOT_ENABLED: 'QR_NOT_ENABLED',
  // people and courses administration
  /** user:create with an email another account already has. */
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  /** course:create with a code another course already has. */
  COURSE_CODE_TAKEN: 'COURSE_CODE_TAKEN',
  /** user:update for an account that does not exist. */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** course:teachers:set naming an account that is not a teacher (or does not exist). */
  NOT_A_TEACHER: 'NOT_A_TEACHER',
  // infrastructure
  NOT_FOUND: 'NOT_FOUND',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  // device binding (new passkeys wait for approval)
  /** The passkey is waiting for a teacher's or an admin's approval, or was refused: it cannot check in. */
  DEVICE_NOT_APPROVED: 'DEVICE_NOT_APPROVED',
  // rooms and enrollments
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** Another room already has this name. */
  ROOM_NAME_TAKEN: 'ROOM_NAME_TAKEN',
  /** No account has this email. */
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  /** The account is a teacher's or an admin's: only students are enrolled. */
  NOT_A_STUDENT: 'NOT_A_STUDENT',
  // sign-in security
  /** Too many failed sign-ins for this email (or from this address): wait `retryAfterSeconds`. Same answer whether the account exists or not. */
  SIGN_IN_THROTTLED: 'SIGN_IN_THROTTLED',
  /** The refresh token is unknown, expired, or its sign-in was ended (signed out, disabled). */
  REFRESH_TOKEN_INVALID: 'REFRESH_TOKEN_INVALID',
  /** A refresh token already spent was presented again: the whole sign-in is ended, as the token may have been stolen. */
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  /** The access token belongs to a sign-in that was ended (signed out, or the account was disabled). */
  SIGN_IN_REVOKED: 'SIGN_IN_REVOKED',
  /** The account is disabled (said only to someone who proved who they are: passkey or single sign-on). */
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  /** Single sign-on is not configured on this server. */
  SSO_NOT_CONFIGURED: 'SSO_NOT_CONFIGURED',
  /** Single sign-on failed: the provider refused, the state did not match, or the code expired. */
  SSO_FAILED: 'SSO_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The subset of codes a check-in verdict can carry as its rejection reason. attendance.checkin.rejected.v1
 * promises this list: a new code here needs a new event version. (A check-in refused because its
 * window passed is therefore SESSION_NOT_OPEN in v1, with a sentence saying so; v2, the student's
 * checkin:result and the challenge's ack say CHECKIN_WINDOW_CLOSED.)
 */
export const RejectionReasons = [
  ErrorCode.SESSION_NOT_FOUND,
  ErrorCode.SESSION_NOT_OPEN,
  ErrorCode.NOT_ENROLLED,
  ErrorCode.ALREADY_CHECKED_IN,
  ErrorCode.NO_PASSKEY,
  ErrorCode.UNKNOWN_CREDENTIAL,
  ErrorCode.CHALLENGE_NOT_FOUND,
  ErrorCode.CHALLENGE_MISMATCH,
  ErrorCode.CHALLENGE_ALREADY_USED,
  ErrorCode.ASSERTION_INVALID,
  ErrorCode.USER_NOT_VERIFIED,
  ErrorCode.COUNTER_REPLAY,
  ErrorCode.OUTSIDE_GEOFENCE,
  ErrorCode.POSITION_TOO_INACCURATE,
] as const;
export type RejectionReason = (typeof RejectionReasons)[number];

/**
 * The reasons of attendance.checkin.rejected.v2 (and of a student's checkin:result): v1's, plus the
 * rotating QR code's, RATE_LIMITED (too many wrong codes in a minute) and CHECKIN_WINDOW_CLOSED (the
 * session's check-in window had passed; added while v2 was new, within the same issue). A new code here needs v3.
 */
export const RejectionReasonsV2 = [
  ...RejectionReasons,
  ErrorCode.QR_REQUIRED,
  ErrorCode.QR_EXPIRED,
  ErrorCode.QR_WRONG_SESSION,
  ErrorCode.QR_INVALID,
  ErrorCode.RATE_LIMITED,
] as const;
export type RejectionReasonV2 = (typeof RejectionReasonsV2)[number];

/**
 * The reasons of attendance.checkin.rejected.v3: v2's, plus a passkey not (yet) approved for
 * check-in (device binding) and a check-in whose window had passed. v2 and v1 keep their published
 * lists and carry the nearest reason they know (events.ts). A new code here needs v4.
 */
export const RejectionReasonsV3 = [...RejectionReasonsV2, ErrorCode.DEVICE_NOT_APPROVED, ErrorCode.CHECKIN_WINDOW_CLOSED] as const;
export type RejectionReasonV3 = (typeof RejectionReasonsV3)[number];

/** The error every transport (socket ack, RPC reply, HTTP body) carries. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Present on INTERNAL errors: the same id is in the log line that describes the failure. */
  errorId?: string;
  /** Present on VALIDATION_FAILED: which fields were wrong and why. */
  issues?: { path: string; message: string }[];
  /** Present on SIGN_IN_THROTTLED: how many seconds until another attempt is counted. */
  retryAfterSeconds?: number;
}

/** A failure the domain expects. Thrown by services; each transport maps it to its own error shape. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    const body: ErrorBody = this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
    if (this.retryAfterSeconds !== undefined) body.retryAfterSeconds = this.retryAfterSeconds;
    return body;
  }
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
