import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { ClientEvents, ErrorCode } from '@classconnect/contracts';
import { RateLimiter } from './rate-limiter.js';

const limits = { connection: { perSecond: 1, burst: 3 }, user: { perSecond: 2, burst: 4 }, checkinPerUser: { perSecond: 0.5, burst: 2 } };

function limiterAt() {
  const clock = new SettableClock();
  const limiter = new RateLimiter(limits, clock);
  return { limiter, advance: (ms: number) => clock.advance(ms) };
}

describe('RateLimiter', () => {
  it('allows a burst per connection, then refuses with RATE_LIMITED until tokens come back', () => {
    const { limiter, advance } = limiterAt();
    for (let i = 0; i < 3; i++) limiter.check(ClientEvents.sessionsActive, 'u1', 'c1');
    expect(() => limiter.check(ClientEvents.sessionsActive, 'u1', 'c1')).toThrow(expect.objectContaining({ code: ErrorCode.RATE_LIMITED }));
    advance(1_000);
    expect(() => limiter.check(ClientEvents.sessionsActive, 'u1', 'c1')).not.toThrow();
  });

  it('counts all of a user’s connections together', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 4; i++) limiter.check(ClientEvents.sessionsActive, 'u1', `c${i}`);
    expect(() => limiter.check(ClientEvents.sessionsActive, 'u1', 'c9')).toThrow(expect.objectContaining({ code: ErrorCode.RATE_LIMITED }));
    expect(() => limiter.check(ClientEvents.sessionsActive, 'u2', 'c10')).not.toThrow();
  });

  it('gives check-in events their own, tighter budget, and a refused event spends nothing', () => {
    const { limiter, advance } = limiterAt();
    limiter.check(ClientEvents.checkinBegin, 'u1', 'c1');
    limiter.check(ClientEvents.checkinSubmit, 'u1', 'c1');
    expect(() => limiter.check(ClientEvents.checkinBegin, 'u1', 'c1')).toThrow(/wait 2 seconds/);
    // Other events still pass: the refusal above took no token from the connection or user buckets.
    limiter.check(ClientEvents.sessionsActive, 'u1', 'c1');
    advance(2_000);
    expect(() => limiter.check(ClientEvents.checkinBegin, 'u1', 'c1')).not.toThrow();
  });

  it('forgets full buckets when swept', () => {
    const { limiter, advance } = limiterAt();
    limiter.check(ClientEvents.sessionsActive, 'u1', 'c1');
    advance(10_000);
    limiter.sweep();
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(0);
  });
});
