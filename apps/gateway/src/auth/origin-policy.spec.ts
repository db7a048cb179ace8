import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { OriginPolicy } from './origin-policy.js';

function refusal(run: () => void): DomainError {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected ORIGIN_NOT_ALLOWED, nothing was thrown');
}

describe('OriginPolicy', () => {
  const policy = OriginPolicy.of({ PUBLIC_ORIGIN: 'https://attend.example.edu', WEBAUTHN_ORIGINS: ['https://attend.example.edu', 'https://presence.example.fr'] });

  it('lets our own pages in, whatever the spelling of the same origin', () => {
    for (const origin of ['https://attend.example.edu', 'https://ATTEND.example.edu', 'https://attend.example.edu:443', 'https://presence.example.fr']) {
      expect(() => policy.check(origin, { required: true })).not.toThrow();
    }
  });

  it('refuses a foreign page, another scheme or port of ours, and the opaque origin, saying where ClassConnect is', () => {
    for (const origin of ['http://evil.example', 'http://attend.example.edu', 'https://attend.example.edu:8443', 'https://attend.example.edu.evil.example', 'null']) {
      const err = refusal(() => policy.check(origin, { required: false }));
      expect(err.code).toBe(ErrorCode.ORIGIN_NOT_ALLOWED);
      expect(err.message).toContain('Open ClassConnect at https://attend.example.edu.');
    }
    expect(refusal(() => policy.check('http://evil.example', { required: false })).message).toContain('a page at http://evil.example,');
  });

  it('lets a request without Origin through unless a browser cookie is its credential', () => {
    expect(() => policy.check(undefined, { required: false })).not.toThrow();
    const err = refusal(() => policy.check(undefined, { required: true }));
    expect(err.code).toBe(ErrorCode.ORIGIN_NOT_ALLOWED);
    expect(err.message).toMatch(/no Origin header/);
    expect(refusal(() => policy.check('', { required: true })).code).toBe(ErrorCode.ORIGIN_NOT_ALLOWED);
  });

  it('refuses a value no browser sends: a path, credentials, two origins', () => {
    for (const origin of ['https://attend.example.edu/app', 'https://me@attend.example.edu', ['https://attend.example.edu', 'https://attend.example.edu']]) {
      expect(refusal(() => policy.check(origin, { required: false })).code).toBe(ErrorCode.ORIGIN_NOT_ALLOWED);
    }
  });

  it('keeps the echoed header short and free of control characters', () => {
    const message = refusal(() => policy.check(`http://x${'a'.repeat(300)}\u0007.example`, { required: false })).message;
    expect(message.length).toBeLessThan(260);
    expect(message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('defaults to the first WebAuthn origin when PUBLIC_ORIGIN is unset', () => {
    const local = OriginPolicy.of({ PUBLIC_ORIGIN: undefined, WEBAUTHN_ORIGINS: ['http://localhost:3000/'] });
    expect(local.home).toBe('http://localhost:3000');
    expect(() => local.check('http://localhost:3000', { required: true })).not.toThrow();
    expect(refusal(() => local.check('http://127.0.0.1:3000', { required: true })).message).toContain('Open ClassConnect at http://localhost:3000.');
  });
});
