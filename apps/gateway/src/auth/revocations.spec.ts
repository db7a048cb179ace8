import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { RevokedSignIns } from './revocations.js';

const user = '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a01';
const other = '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a02';
const sidA = 'aaaaaaaa-3f1e-4a8e-9a4e-2b1f0c0d0a01';
const sidB = 'bbbbbbbb-3f1e-4a8e-9a4e-2b1f0c0d0a01';
const T0 = Date.parse('2026-11-22T10:00:00Z');
const sec = (ms: number) => Math.floor(ms / 1000);

function setUp() {
  const clock = new SettableClock(new Date(T0));
  const list = new RevokedSignIns(900_000, clock);
  return { list, advance: (ms: number) => clock.advance(ms) };
}

describe('RevokedSignIns', () => {
  it('refuses the tokens of a signed-out sign-in only', () => {
    const { list } = setUp();
    list.record({ userId: user, signInIds: [sidA], everywhere: false, reason: 'signed-out', revokedAt: new Date(T0).toISOString() });
    expect(list.reasonFor({ userId: user, sid: sidA, issuedAt: sec(T0) - 10 })).toBe('signed-out');
    expect(list.reasonFor({ userId: user, sid: sidB, issuedAt: sec(T0) - 10 })).toBeUndefined();
    expect(list.reasonFor({ userId: user, issuedAt: sec(T0) - 10 })).toBeUndefined();
    expect(list.reasonFor({ userId: other, sid: sidB })).toBeUndefined();
  });

  it('everywhere refuses every token issued before, with or without a sid, and accepts later sign-ins', () => {
    const { list } = setUp();
    list.record({ userId: user, signInIds: [sidA], everywhere: true, reason: 'account-disabled', revokedAt: new Date(T0).toISOString() });
    expect(list.reasonFor({ userId: user, issuedAt: sec(T0) - 1 })).toBe('account-disabled');
    expect(list.reasonFor({ userId: user, sid: sidB, issuedAt: sec(T0) - 300 })).toBe('account-disabled');
    expect(list.reasonFor({ userId: user, sid: sidA, issuedAt: sec(T0) })).toBe('account-disabled');
    expect(list.reasonFor({ userId: user, sid: sidB, issuedAt: sec(T0) + 1 })).toBeUndefined();
    expect(list.reasonFor({ userId: other, issuedAt: sec(T0) - 1 })).toBeUndefined();
  });

  it('forgets a revocation once every token it covered has expired, and ignores ones already that old', () => {
    const { list, advance } = setUp();
    list.record({ userId: user, signInIds: [sidA], everywhere: true, reason: 'signed-out-everywhere', revokedAt: new Date(T0).toISOString() });
    list.record({ userId: other, signInIds: [sidB], everywhere: false, reason: 'signed-out', revokedAt: new Date(T0 - 3_600_000).toISOString() });
    expect(list.size).toBe(2);
    advance(900_000 + 61_000);
    list.sweep();
    expect(list.size).toBe(0);
    expect(list.reasonFor({ userId: user, sid: sidA, issuedAt: sec(T0) - 1 })).toBeUndefined();
  });
});
