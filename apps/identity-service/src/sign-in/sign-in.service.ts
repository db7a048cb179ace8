import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TokenService } from '@classconnect/auth';
import {
  DomainError,
  ErrorCode,
  authorize,
  type PasskeySignInOptionsReply,
  type PasskeySignInRequest,
  type PasswordSignInRequest,
  type RefreshRequest,
  type SetDisabledReply,
  type SetDisabledRequest,
  type SignInReply,
  type SignOutReply,
  type SignOutRequest,
} from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { AccountsService } from '../accounts/accounts.service.js';
import { UserRepository, type UserRecord } from '../users/user.repository.js';
import { PasskeyAuthority } from './passkey-sign-in.port.js';
import { SignInEvents } from './revocation.publisher.js';
import { SignInFailureRepository } from './sign-in-failure.repository.js';
import { SignInThrottle, type ThrottleLimits } from './sign-in-throttle.js';
import { SignInRepository, type SignInMethod } from './sign-in.repository.js';

export const SIGN_IN_OPTIONS = Symbol('SIGN_IN_OPTIONS');
export interface SignInOptions extends ThrottleLimits {
  refreshIdleSeconds: number;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function accountDisabled(): DomainError {
  return new DomainError(ErrorCode.ACCOUNT_DISABLED, 'This account is disabled. Ask your university’s ClassConnect administrator.');
}

/**
 * Signing in and out. A sign-in is a family of refresh tokens with an id (the access tokens' `sid`):
 * each refresh spends its token and hands out the next; a spent token presented again ends the
 * family, as it was probably stolen. Ending sign-ins is published on DIRECTORY so every gateway
 * ends the sockets at once and refuses the access tokens until they expire.
 */
@Injectable()
export class SignInService {
  private readonly log = createLogger('SignInService');
  private readonly throttle: SignInThrottle;

  constructor(
    @Inject(AccountsService) private readonly passwords: AccountsService,
    @Inject(UserRepository) private readonly accounts: UserRepository,
    @Inject(SignInRepository) private readonly signIns: SignInRepository,
    @Inject(SignInFailureRepository) failures: SignInFailureRepository,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(SignInEvents) private readonly events: SignInEvents,
    @Inject(PasskeyAuthority) private readonly passkeys: PasskeyAuthority,
    @Inject(SIGN_IN_OPTIONS) private readonly options: SignInOptions,
  ) {
    this.throttle = new SignInThrottle(failures, options);
  }

  /** Email and password. Throttled per email and per client address; every failure looks the same. */
  async passwordSignIn({ email, password, clientIp }: PasswordSignInRequest): Promise<SignInReply> {
    await this.throttle.check(email, clientIp);
    let user: UserRecord;
    try {
      user = await this.passwords.checkPassword({ email, password });
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.INVALID_CREDENTIALS) await this.throttle.recordFailure(email, clientIp);
      throw err;
    }
    await this.throttle.recordSuccess(email);
    return this.issue(user, 'password');
  }

  passkeyOptions(correlationId?: string): Promise<PasskeySignInOptionsReply> {
    return this.passkeys.options(correlationId);
  }

  /** A passkey answer to a sign-in challenge: verification-service says whose it is, the account must be enabled. */
  async passkeySignIn({ response }: PasskeySignInRequest, correlationId?: string): Promise<SignInReply> {
    const { userId } = await this.passkeys.verify(response, correlationId);
    const user = await this.accounts.findById(userId);
    if (!user) throw new DomainError(ErrorCode.UNKNOWN_CREDENTIAL, 'This passkey belongs to no ClassConnect account any more. Sign in with your password.');
    if (user.disabled) throw accountDisabled();
    return this.issue(user, 'passkey');
  }

  /** Starts a sign-in for an account whose owner has been proven (password, passkey, single sign-on). */
  async issue(user: UserRecord, method: SignInMethod): Promise<SignInReply> {
    const signInId = randomUUID();
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = this.refreshExpiry();
    await this.signIns.createSignIn(signInId, user.id, method, hashToken(refreshToken), refreshExpiresAt);
    return this.reply(user, signInId, refreshToken, refreshExpiresAt);
  }

  async refresh({ refreshToken }: RefreshRequest, correlationId?: string): Promise<SignInReply> {
    const next = newRefreshToken();
    const nextExpiresAt = this.refreshExpiry();
    const result = await this.signIns.rotate(hashToken(refreshToken), hashToken(next), nextExpiresAt);
    if (result.outcome === 'invalid') {
      throw new DomainError(ErrorCode.REFRESH_TOKEN_INVALID, 'Your sign-in has ended (signed out, expired or disabled). Please sign in again.');
    }
    if (result.outcome === 'reused') {
      this.log.warn({ userId: result.userId, signInId: result.signInId }, 'a spent refresh token was presented again: sign-in revoked');
      await this.events.revoked(result.userId, [result.signInId], false, 'refresh-token-reused', correlationId);
      throw new DomainError(
        ErrorCode.REFRESH_TOKEN_REUSED,
        'This sign-in was ended for your safety: an old sign-in token was used again, so it may have been copied. Please sign in again.',
      );
    }
    const user = await this.accounts.findById(result.userId);
    if (!user || user.disabled) throw new DomainError(ErrorCode.REFRESH_TOKEN_INVALID, 'Your sign-in has ended. Please sign in again.');
    return this.reply(user, result.signInId, next, nextExpiresAt);
  }

  /** Ends this sign-in, or every sign-in of the actor. Idempotent. */
  async signOut({ actor, signInId, everywhere }: SignOutRequest, correlationId?: string): Promise<SignOutReply> {
    authorize(actor, 'account.sign-out');
    if (everywhere) {
      const revoked = await this.signIns.revoke(actor.userId, 'all', 'signed-out-everywhere');
      await this.events.revoked(actor.userId, revoked, true, 'signed-out-everywhere', correlationId);
      return { revoked: revoked.length };
    }
    if (!signInId) return { revoked: 0 }; // an access token from before sign-ins had ids: nothing to end but the client's copy
    const revoked = await this.signIns.revoke(actor.userId, [signInId], 'signed-out');
    // Published even when it had already ended: a retry after a lost reply must still end the sockets.
    await this.events.revoked(actor.userId, [signInId], false, 'signed-out', correlationId);
    return { revoked: revoked.length };
  }

  /** An administrator disables (or enables again) an account: a disabled account's sign-ins all end at once. */
  async setDisabled({ actor, targetUserId, disabled }: SetDisabledRequest, correlationId?: string): Promise<SetDisabledReply> {
    authorize(actor, 'user.disable');
    if (disabled && targetUserId === actor.userId) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot disable your own account: ask another administrator.');
    }
    const previous = await this.accounts.setDisabled(targetUserId, disabled);
    if (previous === null) throw new DomainError(ErrorCode.NOT_FOUND, 'There is no account with this id.');
    if (disabled) {
      // Always, even if it was disabled already: a retry must still end whatever is left.
      const revoked = await this.signIns.revoke(targetUserId, 'all', 'account-disabled');
      await this.events.revoked(targetUserId, revoked, true, 'account-disabled', correlationId);
    }
    const changed = previous !== disabled;
    if (changed) {
      await this.events.statusChanged(targetUserId, disabled, actor.userId, correlationId);
      this.log.info({ targetUserId, disabled, by: actor.userId }, disabled ? 'account disabled' : 'account enabled');
    }
    return { userId: targetUserId, disabled, changed };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.options.refreshIdleSeconds * 1000);
  }

  private async reply(user: UserRecord, signInId: string, refreshToken: string, refreshExpiresAt: Date): Promise<SignInReply> {
    const { token, expiresAt } = await this.tokens.issue({ userId: user.id, role: user.role, email: user.email, name: user.name, sid: signInId });
    return {
      accessToken: token,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      refreshToken,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
      signInId,
    };
  }
}

/** 32 random bytes; only its SHA-256 is stored. */
function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}
