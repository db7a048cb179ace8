/**
 * Staying signed in on one's own phone, in a real Chromium: the refresh token lives in an HttpOnly,
 * SameSite=Strict cookie for the refresh path only, so closing the app and opening it again goes
 * straight to the student's home, and a class is checked in with ONE WebAuthn assertion (counted on
 * the phone's authenticator). Sign out and a disabled account leave a clean sign-in page (one refused
 * refresh, the cookie cleared). A foreign Origin is refused on the socket handshake, on the refresh
 * endpoint, and for the whole app opened at an address the gateway does not serve.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page, Response } from 'playwright-core';
import { io } from 'socket.io-client';
import { ClientEvents, ErrorCode, type ErrorBody, type SignInReply } from '@classconnect/contracts';
import { connectSocket, launchChromium, openPhone, requestOk, signInPage, snapAccessible, startTestSystem, type ClassFixture, type Phone, type TestSystem } from '@classconnect/testing';
import { createAdmin, eventually, post, signInHttp } from './support/auth-http.js';

const here = { latitude: 50.8503, longitude: 4.3517, accuracy: 10 };
const evil = 'http://evil.example';

interface Credential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/** The handshake's refusal (`connect_error`'s data), or undefined when it connects; `origin` is sent as the Origin header. */
async function handshakeFrom(gatewayUrl: string, token: string, origin?: string): Promise<ErrorBody | undefined> {
  const socket = io(gatewayUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    ...(origin ? { extraHeaders: { Origin: origin } } : {}),
  });
  try {
    return await new Promise<ErrorBody | undefined>((resolve, reject) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', (err: Error & { data?: ErrorBody }) => (err.data ? resolve(err.data) : reject(err)));
    });
  } finally {
    socket.close();
  }
}

describe('staying signed in on one’s own phone', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let phone: Phone;
  const student = () => cls.students[0]!;

  const refreshCookie = async () => (await phone.context.cookies(`${sys.origin}/api/auth/refresh`)).find((c) => c.name === 'cc_refresh');
  const credentials = async (p: Phone) => (await p.cdp.send('WebAuthn.getCredentials', { authenticatorId: p.authenticatorId })).credentials as Credential[];

  /** Every answer of POST /api/auth/refresh this page gets, by status. */
  function refreshAnswers(page: Page): number[] {
    const statuses: number[] = [];
    page.on('response', (res: Response) => {
      if (new URL(res.url()).pathname === '/api/auth/refresh') statuses.push(res.status());
    });
    return statuses;
  }

  /**
   * Closes the app's page and opens it again in the same browser (cookies and localStorage stay,
   * sessionStorage and memory go), with the phone's authenticator and its passkey carried over:
   * the new page is a new target, and Chromium's virtual authenticator belongs to one.
   */
  async function reopen(): Promise<{ page: Page; refreshes: number[] }> {
    const kept = await credentials(phone);
    await phone.page.close();
    const page = await phone.context.newPage();
    const cdp = await phone.context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    for (const credential of kept) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    phone = { ...phone, page, cdp, authenticatorId };
    const refreshes = refreshAnswers(page);
    await page.goto(sys.origin);
    return { page, refreshes };
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(1);
    browser = await launchChromium();
    phone = await openPhone(browser, sys.origin, 'student', here);
  });

  afterAll(async () => {
    await phone?.context.close();
    await browser?.close();
    await sys?.stop();
  });

  it('keeps the refresh token in an HttpOnly, SameSite=Strict cookie for the refresh path, never where the page can read it', async () => {
    await signInPage(phone.page, sys.origin, student().email, student().password);
    await phone.page.getByRole('button', { name: 'Set up my passkey' }).click();
    await phone.page.getByText(/No class is taking attendance/).waitFor();

    const cookie = (await refreshCookie())!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth/refresh', secure: false });
    // A persistent cookie (it survives the browser closing), as long as the refresh token lasts.
    expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const inPage = await phone.page.evaluate(() => ({ cookies: document.cookie, stored: sessionStorage.getItem('classconnect.auth') ?? '' }));
    expect(inPage.cookies).not.toContain('cc_refresh');
    expect(inPage.stored).not.toContain('refreshToken');
    expect(inPage.stored).not.toContain(cookie.value);
    expect(JSON.parse(inPage.stored)).toMatchObject({ accessToken: expect.any(String), signInId: expect.any(String) });
  });

  it('reopens at the student’s home without signing in, and checks in with one biometric prompt', async () => {
    const before = (await refreshCookie())!.value;
    const { page, refreshes } = await reopen();
    await page.getByText(/No class is taking attendance/).waitFor();
    await expect(page.getByRole('heading', { name: 'Sign in' }).count()).resolves.toBe(0);
    expect(refreshes).toEqual([200]);
    // Rotated: the cookie now holds the next refresh token.
    expect((await refreshCookie())!.value).not.toBe(before);

    const signCount = (await credentials(phone))[0]!.signCount;
    const teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: here, radiusM: 50 });
    await page.getByRole('button', { name: /^Check in to / }).click();
    const result = page.getByTestId('checkin-result');
    await result.waitFor();
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    // Exactly one assertion since the app was opened again: the check-in's, none to sign in.
    expect((await credentials(phone))[0]!.signCount).toBe(signCount + 1);
    await snapAccessible(page, 'stay-signed-in-checked-in');
    teacher.close();
  });

  it('forgets the sign-in on Sign out: the cookie is cleared, its token refused, and the app opens at the sign-in page', async () => {
    const kept = (await refreshCookie())!.value;
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await eventually(async () => (await refreshCookie()) === undefined, 'the refresh cookie is cleared');
    const refused = await post(sys, '/api/auth/refresh', { refreshToken: kept });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);

    const { page, refreshes } = await reopen();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(refreshes).toEqual([401]);
  });

  it('finishes a sign-out made offline at the next opening, instead of signing the person in again', async () => {
    await signInPage(phone.page, sys.origin, student().email, student().password);
    const kept = (await refreshCookie())!.value;
    await phone.context.setOffline(true);
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The server was not reached: only it can clear an HttpOnly cookie.
    expect((await refreshCookie())?.value).toBe(kept);
    await phone.context.setOffline(false);

    const { page } = await reopen();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await eventually(async () => (await refreshCookie()) === undefined, 'the refresh cookie is cleared');
    await expect(page.evaluate(() => localStorage.getItem('classconnect.sign-out-pending'))).resolves.toBeNull();
    await page.waitForTimeout(500);
    await expect(page.getByRole('heading', { name: 'Sign in' }).count()).resolves.toBe(1);
  });

  it('lands a disabled student on a clean sign-in page when the app opens: one refused refresh, the cookie cleared', async () => {
    await signInPage(phone.page, sys.origin, student().email, student().password);
    expect(await refreshCookie()).toBeDefined();
    const admin = await createAdmin(sys);
    const adminSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(admin.email, admin.password));
    await requestOk(adminSocket, ClientEvents.userSetDisabled, { targetUserId: student().id, disabled: true });
    await phone.page.getByTestId('sign-in-notice').filter({ hasText: 'Your account has been disabled' }).waitFor();
    // The revoked sign-in's cookie is still in the browser: the next opening trades it in, once.
    expect(await refreshCookie()).toBeDefined();

    const { page, refreshes } = await reopen();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await eventually(async () => (await refreshCookie()) === undefined, 'the refused cookie is cleared');
    await page.waitForTimeout(1_000);
    expect(refreshes).toEqual([401]);
    await requestOk(adminSocket, ClientEvents.userSetDisabled, { targetUserId: student().id, disabled: false });
    adminSocket.close();
  });

  it('refuses a foreign Origin on the socket handshake, with a code and a sentence; our own and none are let in', async () => {
    const token = await sys.signIn(student().email, student().password);
    const refused = await handshakeFrom(sys.gatewayUrl, token, evil);
    expect(refused).toMatchObject({ code: ErrorCode.ORIGIN_NOT_ALLOWED });
    expect(refused!.message).toContain(`a page at ${evil},`);
    expect(refused!.message).toContain(`Open ClassConnect at ${sys.origin}.`);
    expect(await handshakeFrom(sys.gatewayUrl, token, sys.origin)).toBeUndefined();
    // A native app or a script sends no Origin, and keeps working with its bearer token.
    expect(await handshakeFrom(sys.gatewayUrl, token)).toBeUndefined();
  });

  it('refuses a foreign Origin on the refresh endpoint, and the cookie without an Origin, without spending the token', async () => {
    const signedIn = (await signInHttp(sys, student().email, student().password)).body as SignInReply;
    const refresh = (headers: Record<string, string>, body: unknown) =>
      fetch(`${sys.gatewayUrl}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    const foreign = await refresh({ origin: evil }, { refreshToken: signedIn.refreshToken });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: ErrorBody }).error).toMatchObject({ code: ErrorCode.ORIGIN_NOT_ALLOWED, message: expect.stringContaining(evil) });
    const foreignCookie = await refresh({ origin: evil, 'x-refresh-token': 'cookie', cookie: `cc_refresh=${signedIn.refreshToken}` }, {});
    expect(foreignCookie.status).toBe(403);
    expect(foreignCookie.headers.get('set-cookie')).toBeNull();
    const noOrigin = await refresh({ 'x-refresh-token': 'cookie', cookie: `cc_refresh=${signedIn.refreshToken}` }, {});
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as { error: ErrorBody }).error.message).toMatch(/no Origin header/);

    // None of those spent the token: a body refresh without Origin (a native app) still works, as before.
    const native = await post<SignInReply>(sys, '/api/auth/refresh', { refreshToken: signedIn.refreshToken });
    expect(native.status).toBe(200);
    expect(native.body.refreshToken).toEqual(expect.any(String));
    expect(native.headers.get('set-cookie')).toBeNull();

    // Our own page, in cookie mode: the token moves to the cookie and out of the body.
    const own = await refresh({ origin: sys.origin, 'x-refresh-token': 'cookie', cookie: `cc_refresh=${native.body.refreshToken}` }, {});
    expect(own.status).toBe(200);
    expect(((await own.json()) as SignInReply).refreshToken).toBeUndefined();
    expect(own.headers.get('set-cookie')).toMatch(/^cc_refresh=[\w.-]{20,}; Max-Age=\d+; Path=\/api\/auth\/refresh; Expires=.+; HttpOnly; SameSite=Strict$/);
  });

  it('tells a person who opened the app at an address it is not served at where to go, rather than signing them in', async () => {
    // The same gateway reached by its IP address: a different origin from the one it is configured for.
    const page = await phone.context.newPage();
    await page.goto(sys.gatewayUrl);
    await page.getByLabel(/email/i).fill(student().email);
    await page.getByLabel(/password/i).fill(student().password);
    await page.getByRole('button', { name: /^sign in$/i }).click();
    await page.getByRole('alert').filter({ hasText: 'not at ClassConnect’s usual address' }).waitFor();
    await page.close();
  });
});
