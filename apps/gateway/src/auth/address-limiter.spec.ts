import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { ErrorCode } from '@classconnect/contracts';
import { AddressLimiter } from './address-limiter.js';

describe('AddressLimiter', () => {
  it('allows a burst per address, then refuses with RATE_LIMITED until it refills', () => {
    const clock = new SettableClock();
    const limiter = new AddressLimiter({ perSecond: 1, burst: 3 }, clock);
    for (let i = 0; i < 3; i++) limiter.check('10.0.0.1');
    expect(() => limiter.check('10.0.0.1')).toThrow(expect.objectContaining({ code: ErrorCode.RATE_LIMITED }));
    limiter.check('10.0.0.2');
    clock.advance(1_000);
    limiter.check('10.0.0.1');
    clock.advance(10_000);
    limiter.sweep();
    for (let i = 0; i < 3; i++) limiter.check('10.0.0.1');
  });
});
