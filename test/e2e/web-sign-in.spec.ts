/**
 * The web client's sign-in security in a real Chromium: a short access-token lifetime refreshed in
 * the background without dropping the connection, Sign out, signing in with the passkey the phone
 * registered, and a disabled account sent back to the sign-in page with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ClientEvents } from '@classconnect/contracts';
import { connectSocket, launchChromium, openPhone, requestOk, signInPage, snapAccessible, startTestSystem, type ClassFixture, type Phone, type TestSystem } from '@classconnect/testing';
import { createAdmin, eventually } from './support/auth-http.js';

const here = { latitude: 50.8503, longitude: 4.3517, accuracy: 10 };

describe('web sign-in security', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let phone: Phone;
  const stored = () => phone.page.evaluate(() => JSON.parse(sessionStorage.getItem('classconnect.auth') ?? 'null') as { accessToken: string; signInId?: string } | null);
  const connected = () => phone.page.getByTestId('connection').filter({ hasText: /^Connected$/ }).waitFor();

  beforeAll(async () => {
    // One-minute access tokens: the client refreshes them a minute early, so within seconds.
    sys = await startTestSystem({ env: { ACCESS_TOKEN_TTL_SECONDS: '60' } });
    cls = await sys.createClass(1);
    browser = await launchChromium();
    phone = await openPhone(browser, sys.origin, 'student', here);
  });

  afterAll(async () => {
    await phone?.context.close();
    await browser?.close();
    await sys?.stop();
  });

  it('refreshes the access token in the background and keeps the connection', async () => {
    const student = cls.students[0]!;
    await signInPage(phone.page, sys.origin, student.email, student.password);
    await phone.page.getByRole('button', { name: 'Set up my passkey' }).click();
    await phone.page.getByText(/No class is taking attendance/).waitFor();
    const first = (await stored())!;
    expect(first.signInId).toEqual(expect.any(String));
    await eventually(async () => (await stored())?.accessToken !== first.accessToken, 'the access token is refreshed', 30_000);
    const second = (await stored())!;
    expect(second.signInId).toBe(first.signInId);
    await connected();
  });

  it('signs out through the API, then back in with the passkey', async () => {
    const before = (await stored())!;
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await stored()).toBeNull();
    // The server ended that sign-in: its access token no longer opens a socket.
    await eventually(async () => connectSocket(sys.gatewayUrl, before.accessToken).then((s) => (s.close(), false), () => true), 'the signed-out token is refused');
    await snapAccessible(phone.page, 'sign-in-phone');

    await phone.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await connected();
    await phone.page.getByText(/No class is taking attendance/).waitFor();
    expect((await stored())!.signInId).not.toBe(before.signInId);
  });

  it('sends a disabled student back to the sign-in page with the reason', async () => {
    const admin = await createAdmin(sys);
    const adminSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(admin.email, admin.password));
    await requestOk(adminSocket, ClientEvents.userSetDisabled, { targetUserId: cls.students[0]!.id, disabled: true });
    await phone.page.getByTestId('sign-in-notice').filter({ hasText: 'Your account has been disabled by an administrator' }).waitFor();
    await snapAccessible(phone.page, 'sign-in-phone-account-disabled');
    await requestOk(adminSocket, ClientEvents.userSetDisabled, { targetUserId: cls.students[0]!.id, disabled: false });
    adminSocket.close();
  });
});
