import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { SignInFailureRepository } from './sign-in-failure.repository.js';

export interface ThrottleLimits {
  maxPerEmail: number;
  maxPerIp: number;
  windowSeconds: number;
}

/** A failure key never holds the address or the email itself: only a hash of it. */
export function failureKey(kind: 'email' | 'ip', value: string): string {
  return `${kind}:${createHash('sha256').update(value.trim().toLowerCase()).digest('base64url')}`;
}

/**
 * Counts failed password sign-ins per email and per client address in Postgres, so every instance
 * of identity-service agrees. The check never looks at whether the account exists: an unknown
 * email is counted and refused exactly like a real one.
 */
export class SignInThrottle {
  constructor(
    private readonly repo: SignInFailureRepository,
    private readonly limits: ThrottleLimits,
  ) {}

  /** Throws SIGN_IN_THROTTLED when this email, or this address, failed too often lately. */
  async check(email: string, clientIp: string | undefined): Promise<void> {
    const { maxPerEmail, maxPerIp, windowSeconds } = this.limits;
    const [byEmail, byIp] = await Promise.all([
      this.repo.nthRecentFailure(failureKey('email', email), maxPerEmail, windowSeconds),
      clientIp ? this.repo.nthRecentFailure(failureKey('ip', clientIp), maxPerIp, windowSeconds) : Promise.resolve(null),
    ]);
    const oldest = [byEmail, byIp].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
    if (!oldest) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest.getTime() + windowSeconds * 1000 - Date.now()) / 1000));
    throw throttled(retryAfterSeconds);
  }

  async recordFailure(email: string, clientIp: string | undefined): Promise<void> {
    const keys = [failureKey('email', email), ...(clientIp ? [failureKey('ip', clientIp)] : [])];
    await this.repo.recordFailure(keys, this.limits.windowSeconds);
  }

  /** A successful sign-in forgets the email's failures (the address's stay: they may be someone else's). */
  async recordSuccess(email: string): Promise<void> {
    await this.repo.clearFailures(failureKey('email', email));
  }
}

export function throttled(retryAfterSeconds: number): DomainError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const wait = minutes <= 1 ? 'a minute' : `${minutes} minutes`;
  return new DomainError(
    ErrorCode.SIGN_IN_THROTTLED,
    `Too many failed sign-in attempts. Please wait ${wait} before trying again, or sign in with a passkey.`,
    undefined,
    retryAfterSeconds,
  );
}
