import { describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { TokenService } from './index.js';

const secret = 'a-test-secret-that-is-at-least-32-characters-long';
const claims = { userId: '00000000-0000-4000-8000-000000000001', role: 'student' as const, email: 'ada@uni.test', name: 'Ada Lövelace' };

describe('TokenService', () => {
  it('issues HS256 tokens that verify, with the sign-in id when there is one', async () => {
    const tokens = new TokenService(secret, 900);
    const { token, expiresAt } = await tokens.issue({ ...claims, sid: '00000000-0000-4000-8000-0000000000aa' });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256' });
    const verified = await tokens.verify(token);
    expect(verified).toMatchObject({ ...claims, sid: '00000000-0000-4000-8000-0000000000aa' });
    expect(verified!.issuedAt! * 1000).toBeLessThanOrEqual(Date.now());
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(890_000);
    expect((await tokens.verify((await tokens.issue(claims)).token))!.sid).toBeUndefined();
  });

  it('refuses a token signed with another secret, altered, or expired', async () => {
    const tokens = new TokenService(secret, 900);
    const { token } = await tokens.issue(claims);
    expect(await new TokenService(`${secret}-other`).verify(token)).toBeNull();
    const [h, p, s] = token.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(await tokens.verify(`${h}.${altered}.${s}`)).toBeNull();
    const expired = await new SignJWT({ role: 'student', email: '', name: '' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer('classconnect-identity')
      .setAudience('classconnect')
      .setIssuedAt(1_700_000_000)
      .setExpirationTime(1_700_000_900)
      .sign(new TextEncoder().encode(secret));
    expect(await tokens.verify(expired)).toBeNull();
  });
});
