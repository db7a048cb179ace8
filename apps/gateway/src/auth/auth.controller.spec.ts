import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode, type SignInReply } from '@classconnect/contracts';
import type { RpcClient } from '@classconnect/messaging';
import { AuthController } from './auth.controller.js';
import type { AuthService } from './auth.service.js';

const origin = 'https://attend.example.edu';
const token = (n: number) => `refresh-token-${String(n).padStart(20, '0')}`;
const reply = (n: number): SignInReply => ({
  accessToken: `access-${n}`,
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
  user: { id: '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a01', email: 'ada@uni.test', name: 'Ada', role: 'student' },
  refreshToken: token(n),
  refreshExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  signInId: 'aaaaaaaa-3f1e-4a8e-9a4e-2b1f0c0d0a01',
});

/** What the controller did to the response: the cookies it set and cleared. */
function fakeResponse() {
  const set: { name: string; value: string; options: Record<string, unknown> }[] = [];
  const cleared: { name: string; options: Record<string, unknown> }[] = [];
  const res = {
    cookie: (name: string, value: string, options: Record<string, unknown>) => set.push({ name, value, options }),
    clearCookie: (name: string, options: Record<string, unknown>) => cleared.push({ name, options }),
  };
  return { res: res as unknown as Response, set, cleared };
}

function request(headers: Record<string, string>): Request {
  return { headers } as unknown as Request;
}

/** A controller whose identity-service answers refreshes with `answer` and records the tokens it was sent. */
function setUp(answer: (refreshToken: string) => SignInReply) {
  const sent: string[] = [];
  const rpc = {
    request: async (_subject: string, body: { refreshToken: string }) => {
      sent.push(body.refreshToken);
      return answer(body.refreshToken);
    },
  } as unknown as RpcClient;
  const controller = new AuthController({} as AuthService, rpc, { PUBLIC_ORIGIN: origin, WEBAUTHN_ORIGINS: [origin] });
  return { controller, sent };
}

async function failure(run: Promise<unknown>): Promise<DomainError> {
  try {
    await run;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('AuthController refresh, in cookie mode and not', () => {
  const cookieMode = { origin, 'x-refresh-token': 'cookie' };

  it('trades the cookie for a new pair, the new refresh token in the cookie only (HttpOnly, Strict, refresh path, Secure over https)', async () => {
    const { controller, sent } = setUp(() => reply(2));
    const { res, set } = fakeResponse();
    const body = await controller.refresh({}, request({ ...cookieMode, cookie: `other=1; cc_refresh=${token(1)}` }), res);
    expect(sent).toEqual([token(1)]);
    expect(body.refreshToken).toBeUndefined();
    expect(body).toMatchObject({ accessToken: 'access-2', signInId: expect.any(String), refreshExpiresAt: expect.any(String) });
    expect(set).toEqual([
      { name: 'cc_refresh', value: token(2), options: expect.objectContaining({ httpOnly: true, secure: true, sameSite: 'strict', path: '/api/auth/refresh' }) },
    ]);
    expect(set[0]!.options.maxAge).toBeGreaterThan(29 * 86_400_000);
  });

  it('keeps the body contract for clients without the header: the token in, the token out, no cookie', async () => {
    const { controller, sent } = setUp(() => reply(2));
    const { res, set, cleared } = fakeResponse();
    const body = await controller.refresh({ refreshToken: token(1) }, request({}), res);
    expect(sent).toEqual([token(1)]);
    expect(body.refreshToken).toBe(token(2));
    expect(set).toEqual([]);
    expect(cleared).toEqual([]);
  });

  it('clears a cookie the server no longer honours, so the browser is signed out once, not in a loop', async () => {
    for (const code of [ErrorCode.REFRESH_TOKEN_INVALID, ErrorCode.REFRESH_TOKEN_REUSED]) {
      const { controller } = setUp(() => {
        throw new DomainError(code, 'ended');
      });
      const { res, cleared } = fakeResponse();
      expect((await failure(controller.refresh({}, request({ ...cookieMode, cookie: `cc_refresh=${token(1)}` }), res))).code).toBe(code);
      expect(cleared).toEqual([{ name: 'cc_refresh', options: expect.objectContaining({ path: '/api/auth/refresh' }) }]);
    }
  });

  it('keeps the cookie when identity-service could not answer: the sign-in may well be good', async () => {
    const { controller } = setUp(() => {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'busy');
    });
    const { res, cleared } = fakeResponse();
    expect((await failure(controller.refresh({}, request({ ...cookieMode, cookie: `cc_refresh=${token(1)}` }), res))).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(cleared).toEqual([]);
  });

  it('answers a browser with no (or a mangled) cookie REFRESH_TOKEN_INVALID without asking identity-service', async () => {
    for (const cookie of [undefined, 'cc_refresh=%E0%A4%A', 'cc_refresh=short']) {
      const { controller, sent } = setUp(() => reply(2));
      const { res } = fakeResponse();
      const err = await failure(controller.refresh({}, request({ ...cookieMode, ...(cookie ? { cookie } : {}) }), res));
      expect(err.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
      expect(sent).toEqual([]);
    }
  });

  it('refuses a foreign page before spending anything, and the cookie without an Origin', async () => {
    const { controller, sent } = setUp(() => reply(2));
    const { res } = fakeResponse();
    expect((await failure(controller.refresh({ refreshToken: token(1) }, request({ origin: 'http://evil.example' }), res))).code).toBe(ErrorCode.ORIGIN_NOT_ALLOWED);
    expect((await failure(controller.refresh({}, request({ 'x-refresh-token': 'cookie', cookie: `cc_refresh=${token(1)}` }), res))).code).toBe(
      ErrorCode.ORIGIN_NOT_ALLOWED,
    );
    expect(sent).toEqual([]);
  });
});
