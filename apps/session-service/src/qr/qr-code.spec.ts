import { describe, expect, it, jest } from '@jest/globals';
import {
  ShortCodeAlphabet,
  TypedCodeGraceSeconds,
  checkQrCode,
  codesAt,
  isTokenOf,
  newQrSecret,
  normaliseShortCode,
  safeEqual,
  sessionTag,
  shortCodeFor,
  stepOf,
  tagOf,
  tokenFor,
  type Equals,
} from './qr-code.js';

const sessionId = '7b0c1f52-3c1e-4b8e-9a57-2f5d0f7f3a10';
const otherSessionId = 'c1d2e3f4-0000-4aaa-8bbb-123456789abc';
const secret = newQrSecret();
const step = 10; // seconds
const t0 = new Date('2026-03-02T09:00:03.000Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);
const check = (code: string, at: Date, extra: Partial<Parameters<typeof checkQrCode>[0]> = {}) =>
  checkQrCode({ secret, sessionId, stepSeconds: step, code, at, now: at, ...extra });

describe('rotating QR codes', () => {
  it('cuts time into steps and says when the current one ends', () => {
    const set = codesAt(secret, sessionId, step, t0);
    expect(set.step).toBe(stepOf(t0, step));
    expect(set.expiresAt.toISOString()).toBe('2026-03-02T09:00:10.000Z');
    expect(codesAt(secret, sessionId, step, later(6)).token).toBe(set.token); // 09:00:09, same step
    expect(codesAt(secret, sessionId, step, later(7)).token).not.toBe(set.token); // 09:00:10, next step
  });

  it('makes a token with the session tag and a 6-character short code without 0, O, 1 or I', () => {
    const { token, shortCode } = codesAt(secret, sessionId, step, t0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{6}\.[0-9a-z]+\.[A-Za-z0-9_-]{16}$/);
    expect(tagOf(token)).toBe(sessionTag(sessionId));
    expect(shortCode).toHaveLength(6);
    for (const ch of shortCode) expect(ShortCodeAlphabet).toContain(ch);
    expect(ShortCodeAlphabet).not.toMatch(/[01OI]/);
  });

  it('depends on the secret: another secret makes other codes for the same session and step', () => {
    const n = stepOf(t0, step);
    const other = newQrSecret();
    expect(tokenFor(other, sessionId, n)).not.toBe(tokenFor(secret, sessionId, n));
    expect(check(tokenFor(other, sessionId, n), t0)).toBe('invalid');
  });

  it('accepts the current and the previous step, refuses two steps old as expired', () => {
    const { token, shortCode } = codesAt(secret, sessionId, step, t0);
    expect(check(token, t0)).toBe('valid');
    expect(check(shortCode, t0)).toBe('valid');
    expect(check(token, later(10))).toBe('valid'); // one step later
    expect(check(shortCode, later(10))).toBe('valid');
    expect(check(token, later(20))).toBe('expired'); // two steps later: a relayed photo stops working
    expect(check(token, later(3600))).toBe('expired'); // the token names its step, however old
  });

  it('gives a typed short code TypedCodeGraceSeconds more (whole steps), then says expired', () => {
    const { shortCode } = codesAt(secret, sessionId, step, t0);
    expect(TypedCodeGraceSeconds).toBe(20);
    // Its own step, the next one, and two more steps of grace (20 s at 10 s a step).
    expect(check(shortCode, later(20))).toBe('valid');
    expect(check(shortCode, later(30))).toBe('valid');
    expect(check(shortCode, later(40))).toBe('expired');
    expect(check(shortCode, later(120))).toBe('expired');
    // At 5 s a step the grace is four steps; at 30 s, one.
    const five = codesAt(secret, sessionId, 5, t0).shortCode;
    expect(checkQrCode({ secret, sessionId, stepSeconds: 5, code: five, at: later(25), now: later(25) })).toBe('valid');
    expect(checkQrCode({ secret, sessionId, stepSeconds: 5, code: five, at: later(30), now: later(30) })).toBe('expired');
    const thirty = codesAt(secret, sessionId, 30, t0).shortCode;
    expect(checkQrCode({ secret, sessionId, stepSeconds: 30, code: thirty, at: later(80), now: later(80) })).toBe('valid');
    expect(checkQrCode({ secret, sessionId, stepSeconds: 30, code: thirty, at: later(88), now: later(88) })).toBe('expired');
  });

  it('judges a code by when it was submitted, so a check-in decided late is not refused for it', () => {
    const { token } = codesAt(secret, sessionId, step, t0);
    expect(check(token, t0, { now: later(300) })).toBe('valid');
  });

  it('refuses a token of a step that has not come yet, even with a valid MAC', () => {
    const future = tokenFor(secret, sessionId, stepOf(t0, step) + 2);
    expect(check(future, t0)).toBe('invalid');
  });

  it('recognises another session’s token by its tag, and only its own secret confirms it', () => {
    const otherSecret = newQrSecret();
    const foreign = codesAt(otherSecret, otherSessionId, step, t0).token;
    expect(check(foreign, t0)).toBe('foreign');
    expect(isTokenOf(otherSecret, otherSessionId, foreign, t0, step)).toBe(true);
    expect(isTokenOf(secret, otherSessionId, foreign, t0, step)).toBe(false);
    // Another session's short code is simply not one of this session's.
    expect(check(codesAt(otherSecret, otherSessionId, step, t0).shortCode, t0)).toBe('invalid');
  });

  it('refuses tampered, malformed and guessed codes as invalid', () => {
    const { token } = codesAt(secret, sessionId, step, t0);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(check(token.slice(0, -1) + last, t0)).toBe('invalid');
    expect(check('hello', t0)).toBe('invalid');
    expect(check('ZZZZZZ', t0)).toBe(shortCodeFor(secret, sessionId, stepOf(t0, step)) === 'ZZZZZZ' ? 'valid' : 'invalid');
    expect(check('OOOOOO', t0)).toBe('invalid');
  });

  it('accepts a typed short code in lower case, with spaces or a dash', () => {
    const { shortCode } = codesAt(secret, sessionId, step, t0);
    expect(check(shortCode.toLowerCase(), t0)).toBe('valid');
    expect(check(`${shortCode.slice(0, 3)} ${shortCode.slice(3)}`, t0)).toBe('valid');
    expect(check(`${shortCode.slice(0, 3)}-${shortCode.slice(3)}`, t0)).toBe('valid');
    expect(normaliseShortCode('ab1def')).toBeNull();
  });

  it('compares in constant time: every comparison goes through the constant-time equality', () => {
    const calls: [string, string][] = [];
    const spy = jest.fn<Equals>((a, b) => {
      calls.push([a, b]);
      return safeEqual(a, b);
    });
    const { token, shortCode } = codesAt(secret, sessionId, step, t0);
    expect(checkQrCode({ secret, sessionId, stepSeconds: step, code: token, at: t0, now: t0 }, spy)).toBe('valid');
    expect(calls.some(([a, b]) => a === token && b === token)).toBe(true);
    calls.length = 0;
    expect(checkQrCode({ secret, sessionId, stepSeconds: step, code: shortCode, at: later(10), now: later(10) }, spy)).toBe('valid');
    // Both the current and the previous step's codes were compared, though the previous one matched.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
