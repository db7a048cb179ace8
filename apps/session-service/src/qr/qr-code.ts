/**
 * Rotating QR codes: the maths, without I/O.
 *
 * Time is cut into steps of `stepSeconds` (step n = floor(epoch ms / step length)). For each step,
 * HMAC-SHA256(secret, `<sessionId>:<n>`) gives
 *  - the token in the QR code's URL: `<tag>.<n in base 36>.<first 16 base64url characters of the MAC>`,
 *    where the tag (6 characters) is derived from the session id alone, so a token scanned in another
 *    room can be told apart from a mistyped one without knowing any secret;
 *  - the short code: 6 characters from the MAC's last bytes, in an alphabet without 0/O/1/I.
 * A code is valid during its own step and the next one. Every comparison is constant-time.
 * The secret (32 random bytes per session) never leaves session-service.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 symbols, none that looks like another: no 0/O, no 1/I. */
export const ShortCodeAlphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const ShortCodeLength = 6;
/** How far back a short code is still recognised as this session's (to say "expired" rather than "invalid"). */
export const ShortCodeLookbackSteps = 30;
/**
 * Extra time a *typed* short code stays valid: reading it across a hall, unlocking the phone,
 * typing six characters, then the biometric prompt and the position all come before the submit it
 * is judged at. A scanned token (its URL opens the check-in at once) gets no grace, so a relayed
 * photo of the QR code still stops working two steps later.
 */
export const TypedCodeGraceSeconds = 20;

const TokenPattern = /^([A-Za-z0-9_-]{6})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{16})$/;

export type Equals = (a: string, b: string) => boolean;

/** Constant-time string equality (the lengths are not secret). */
export const safeEqual: Equals = (a, b) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function newQrSecret(): Buffer {
  return randomBytes(32);
}

export function stepOf(at: Date, stepSeconds: number): number {
  return Math.floor(at.getTime() / (stepSeconds * 1000));
}

/** The public tag that says which session a token belongs to. */
export function sessionTag(sessionId: string): string {
  return createHash('sha256').update(`cc-qr-tag:${sessionId}`).digest('base64url').slice(0, 6);
}

function mac(secret: Buffer, sessionId: string, step: number): Buffer {
  return createHmac('sha256', secret).update(`${sessionId}:${step}`).digest();
}

export function tokenFor(secret: Buffer, sessionId: string, step: number): string {
  return `${sessionTag(sessionId)}.${step.toString(36)}.${mac(secret, sessionId, step).subarray(0, 12).toString('base64url')}`;
}

export function shortCodeFor(secret: Buffer, sessionId: string, step: number): string {
  // 30 bits from the MAC's last four bytes (the token uses the first twelve), 5 bits per character.
  const bits = mac(secret, sessionId, step).readUInt32BE(28);
  let code = '';
  for (let i = 0; i < ShortCodeLength; i++) code += ShortCodeAlphabet[(bits >>> (5 * i)) & 31];
  return code;
}

export interface QrCodeSet {
  token: string;
  shortCode: string;
  step: number;
  /** When this step ends. */
  expiresAt: Date;
}

export function codesAt(secret: Buffer, sessionId: string, stepSeconds: number, now: Date): QrCodeSet {
  const step = stepOf(now, stepSeconds);
  return {
    token: tokenFor(secret, sessionId, step),
    shortCode: shortCodeFor(secret, sessionId, step),
    step,
    expiresAt: new Date((step + 1) * stepSeconds * 1000),
  };
}

/** `foreign`: a well-formed token with another session's tag (the caller may check that session). */
export type QrCheck = 'valid' | 'expired' | 'invalid' | 'foreign';

export interface QrCheckInput {
  secret: Buffer;
  sessionId: string;
  stepSeconds: number;
  code: string;
  /** When the student submitted: the code must be of this step or the one before. */
  at: Date;
  /** Now on this server: no code of a later step is accepted. */
  now: Date;
}

/**
 * Checks a token or a short code. A token names its step, so one MAC decides it; a short code is
 * compared with the current and previous steps' codes (and, only to word the refusal, older ones).
 */
export function checkQrCode(input: QrCheckInput, equals: Equals = safeEqual): QrCheck {
  const { secret, sessionId, stepSeconds, code } = input;
  const submitStep = stepOf(input.at, stepSeconds);
  const latestStep = Math.max(submitStep, stepOf(input.now, stepSeconds));
  const token = TokenPattern.exec(code.trim());
  if (token) {
    if (!equals(token[1]!, sessionTag(sessionId))) return 'foreign';
    const step = parseInt(token[2]!, 36);
    if (!Number.isSafeInteger(step) || step > latestStep) return 'invalid';
    if (!equals(code.trim(), tokenFor(secret, sessionId, step))) return 'invalid';
    return step >= submitStep - 1 ? 'valid' : 'expired';
  }
  const typed = normaliseShortCode(code);
  if (typed === null) return 'invalid';
  const graceSteps = Math.ceil(TypedCodeGraceSeconds / stepSeconds);
  // Every candidate is always compared, so the time taken does not say which one matched.
  let valid = false;
  const candidates = [submitStep, ...(latestStep > submitStep ? [latestStep] : [])];
  for (let back = 1; back <= 1 + graceSteps; back++) candidates.push(submitStep - back);
  for (const step of candidates) {
    valid = equals(typed, shortCodeFor(secret, sessionId, step)) || valid;
  }
  if (valid) return 'valid';
  for (let step = submitStep - 2 - graceSteps; step >= submitStep - 1 - graceSteps - ShortCodeLookbackSteps; step--) {
    if (equals(typed, shortCodeFor(secret, sessionId, step))) return 'expired';
  }
  return 'invalid';
}

/** The session tag of a well-formed token, or null (short codes carry none). */
export function tagOf(code: string): string | null {
  return TokenPattern.exec(code.trim())?.[1] ?? null;
}

/** Whether `code` is a token that `secret` really made for `sessionId` (at any step up to now). */
export function isTokenOf(secret: Buffer, sessionId: string, code: string, now: Date, stepSeconds: number, equals: Equals = safeEqual): boolean {
  const token = TokenPattern.exec(code.trim());
  if (!token || !equals(token[1]!, sessionTag(sessionId))) return false;
  const step = parseInt(token[2]!, 36);
  if (!Number.isSafeInteger(step) || step > stepOf(now, stepSeconds)) return false;
  return equals(code.trim(), tokenFor(secret, sessionId, step));
}

/** A typed short code, upper-cased, without spaces or dashes; null when it cannot be one. */
export function normaliseShortCode(code: string): string | null {
  const typed = code.replace(/[\s-]/g, '').toUpperCase();
  if (typed.length !== ShortCodeLength) return null;
  for (const ch of typed) if (!ShortCodeAlphabet.includes(ch)) return null;
  return typed;
}
