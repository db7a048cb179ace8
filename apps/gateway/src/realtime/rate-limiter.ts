import { SystemClock, type Clock } from '@classconnect/config';
import { DomainError, ErrorCode, ClientEvents, type ClientEvent } from '@classconnect/contracts';

/** A token bucket: `burst` actions at once, refilled at `perSecond`. */
interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface Limit {
  perSecond: number;
  burst: number;
}

/**
 * Limits on client events, per connection and per user (all of a user's connections to this
 * gateway together). The check-in events have a tighter per-user budget: an honest student needs
 * two of them, and a few more for retries.
 */
export const Limits = {
  connection: { perSecond: 10, burst: 30 },
  user: { perSecond: 20, burst: 60 },
  checkinPerUser: { perSecond: 0.5, burst: 30 },
} satisfies Record<string, Limit>;

const CheckinEvents = new Set<ClientEvent>([ClientEvents.checkinBegin, ClientEvents.checkinSubmit]);

/**
 * In memory, per gateway instance: with several instances behind a load balancer each enforces its
 * own budget (sticky sessions keep a connection on one instance).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: typeof Limits = Limits,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  /** Spends one token from each bucket the event draws on, or throws RATE_LIMITED and spends none. */
  check(event: ClientEvent, userId: string, connectionId: string): void {
    const keys: [string, Limit][] = [
      [`c:${connectionId}`, this.limits.connection],
      [`u:${userId}`, this.limits.user],
    ];
    if (CheckinEvents.has(event)) keys.push([`k:${userId}`, this.limits.checkinPerUser]);
    const t = this.clock.nowMs();
    const buckets = keys.map(([key, limit]) => [this.refill(key, limit, t), limit] as const);
    const empty = buckets.find(([b]) => b.tokens < 1);
    if (empty) {
      const waitS = Math.ceil((1 - empty[0].tokens) / empty[1].perSecond);
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many requests: please wait ${waitS} second${waitS === 1 ? '' : 's'} and try again.`);
    }
    for (const [b] of buckets) b.tokens -= 1;
  }

  /** Forgets a closed connection's bucket. */
  forgetConnection(connectionId: string): void {
    this.buckets.delete(`c:${connectionId}`);
  }

  /** Drops buckets that are full again, so memory follows the number of active users. */
  sweep(): void {
    const t = this.clock.nowMs();
    for (const [key, b] of this.buckets) {
      const limit = key.startsWith('c:') ? this.limits.connection : key.startsWith('u:') ? this.limits.user : this.limits.checkinPerUser;
      if (this.refill(key, limit, t).tokens >= limit.burst) this.buckets.delete(key);
    }
  }

  private refill(key: string, limit: Limit, t: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, updatedAt: t };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.updatedAt) / 1000) * limit.perSecond);
    b.updatedAt = t;
    return b;
  }
}
