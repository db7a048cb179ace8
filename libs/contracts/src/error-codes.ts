/**
 * Every error and rejection carries one of these codes and a sentence for people. Each context
 * declares its own codes in its errors.ts; they are joined here. A published code is never renamed
 * or given a new meaning: add a new one beside it.
 */
import { CheckinErrorCodes } from './checkin/errors.js';
import { CommonErrorCodes } from './common-errors.js';
import { DeviceErrorCodes } from './devices/errors.js';
import { DirectoryErrorCodes } from './directory/errors.js';
import { PasskeyErrorCodes } from './passkeys/errors.js';
import { ReportErrorCodes } from './reports/errors.js';
import { SessionErrorCodes } from './sessions/errors.js';
import { SignInErrorCodes } from './sign-in/errors.js';
import type { Check, NoSharedKeys } from './slice-maps.js';
import { WebhookErrorCodes } from './webhooks/errors.js';

type Slices = [
  typeof CommonErrorCodes,
  typeof SignInErrorCodes,
  typeof DirectoryErrorCodes,
  typeof SessionErrorCodes,
  typeof CheckinErrorCodes,
  typeof PasskeyErrorCodes,
  typeof DeviceErrorCodes,
  typeof ReportErrorCodes,
  typeof WebhookErrorCodes,
];
// A code two contexts both declared would be joined silently: the compiler refuses it here.
type DeclaredOnce = Check<NoSharedKeys<Slices>>;

export const ErrorCode = {
  ...CommonErrorCodes,
  ...SignInErrorCodes,
  ...DirectoryErrorCodes,
  ...SessionErrorCodes,
  ...CheckinErrorCodes,
  ...PasskeyErrorCodes,
  ...DeviceErrorCodes,
  ...ReportErrorCodes,
  ...WebhookErrorCodes,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
