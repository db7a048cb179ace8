import { SystemClock, type Clock } from '@classconnect/config';
import { DomainError, ErrorCode } from '@classconnect/contracts';

/**
 * A token bucket per client address for the sign-in endpoints anyone may call without a token
 * (each creates a challenge or a pending login). In memory, per gateway instance.
 */
export class AddressLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit = { perSecond: 1, burst: 30 },
    private readonly clock: Clock = new SystemClock(),
  ) {}

  check(address: string | undefined): void {
    const key = address ?? 'unknown';
    const t = this.clock.nowMs();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((t - b.at) / 1000) * this.limit.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) {
      const waitS = Math.ceil((1 - b.tokens) / this.limit.perSecond);
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many sign-in requests: please wait ${waitS} second${waitS === 1 ? '' : 's'} and try again.`);
    }
    b.tokens -= 1;
    if (this.buckets.size > 100_000) this.sweep();
  }

  /** Forgets full buckets (addresses idle long enough to have refilled). */
  sweep(): void {
    const t = this.clock.nowMs();
    for (const [k, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(k);
  }
}
