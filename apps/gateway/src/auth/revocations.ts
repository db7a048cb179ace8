import type { AccessClaims } from '@classconnect/auth';
import { SystemClock, type Clock } from '@classconnect/config';
import type { SignInRevokedReason } from '@classconnect/contracts';

interface Everywhere {
  /** Tokens issued (iat, seconds) before this second are refused. */
  beforeSecond: number;
  reason: SignInRevokedReason;
  forgetAt: number;
}

/** What a client is told when its sign-in ends (the auth:revoked push and the handshake refusal). */
export const RevokedSentences: Record<SignInRevokedReason, string> = {
  'signed-out': 'You signed out. Sign in again to continue.',
  'signed-out-everywhere': 'You signed out on all your devices. Sign in again to continue.',
  'account-disabled': 'Your account has been disabled by an administrator. Ask your university’s ClassConnect administrator.',
  'refresh-token-reused': 'Your sign-in was ended for your safety: an old sign-in token was used again. Please sign in again.',
};

/**
 * The sign-ins ended lately, kept in memory until every access token they could have issued has
 * expired (the token lifetime after the revocation). Each gateway instance rebuilds it from the
 * DIRECTORY stream, so they all agree.
 */
export class RevokedSignIns {
  private readonly signIns = new Map<string, { reason: SignInRevokedReason; forgetAt: number }>();
  private readonly users = new Map<string, Everywhere>();

  constructor(
    private readonly tokenTtlMs: number,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  record(e: { userId: string; signInIds: string[]; everywhere: boolean; reason: SignInRevokedReason; revokedAt: string }): void {
    const at = Date.parse(e.revokedAt);
    const forgetAt = at + this.tokenTtlMs + 60_000;
    if (forgetAt <= this.clock.nowMs()) return;
    for (const id of e.signInIds) this.signIns.set(id, { reason: e.reason, forgetAt });
    if (e.everywhere) {
      const beforeSecond = Math.floor(at / 1000);
      const current = this.users.get(e.userId);
      if (!current || current.beforeSecond <= beforeSecond) this.users.set(e.userId, { beforeSecond, reason: e.reason, forgetAt });
    }
  }

  /** Why this token's sign-in ended, or undefined while it is still good. */
  reasonFor(claims: Pick<AccessClaims, 'userId' | 'sid' | 'issuedAt'>): SignInRevokedReason | undefined {
    if (claims.sid) {
      const bySid = this.signIns.get(claims.sid);
      if (bySid) return bySid.reason;
    }
    const byUser = this.users.get(claims.userId);
    if (byUser && (claims.issuedAt === undefined || claims.issuedAt < byUser.beforeSecond)) return byUser.reason;
    return undefined;
  }

  /** Drops what no live token can match any more. */
  sweep(): void {
    const now = this.clock.nowMs();
    for (const [id, e] of this.signIns) if (e.forgetAt <= now) this.signIns.delete(id);
    for (const [id, e] of this.users) if (e.forgetAt <= now) this.users.delete(id);
  }

  get size(): number {
    return this.signIns.size + this.users.size;
  }
}
