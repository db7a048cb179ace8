/**
 * University single sign-on against a real OpenID Connect provider (oidc-provider, started here):
 * a real Chromium clicks the button on the sign-in page, logs in at the provider and comes back
 * signed in. Accounts are matched by (issuer, subject), then linked by verified email, else created;
 * a provider error and a tampered state come back to the sign-in page with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '@classconnect/runtime';
import { launchChromium, snapAccessible, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import { startTestProvider, type TestProvider } from './support/oidc-provider.js';

const Label = 'Sign in with Test University';

describe('single sign-on with OpenID Connect', () => {
  let sys: TestSystem;
  let provider: TestProvider;
  let browser: Browser;
  let cls: ClassFixture;
  const contexts: BrowserContext[] = [];

  async function freshPage(locale = 'en-GB'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    contexts.push(context);
    return context.newPage();
  }

  /** From the sign-in page through the provider's login, back to ClassConnect; returns who the app says is signed in. */
  async function signInThroughProvider(page: Page, login: string): Promise<{ id: string; role: string; name: string }> {
    await page.goto(sys.origin);
    await page.getByRole('link', { name: Label }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByTestId('connection').filter({ hasText: /^Connected$/ }).waitFor();
    expect(page.url()).not.toMatch(/sso=|token/i); // the one-time code is gone from the address
    return page.evaluate(() => JSON.parse(sessionStorage.getItem('classconnect.auth')!).user);
  }

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://localhost:${port}`;
    sys = await startTestSystem({
      env: {
        NODE_ENV: 'test',
        OIDC_ISSUER_URL: issuer,
        OIDC_CLIENT_ID: 'classconnect-test',
        OIDC_CLIENT_SECRET: 'a-client-secret-for-the-test-provider-only',
        OIDC_ALLOW_INSECURE_HTTP: 'true',
        OIDC_BUTTON_LABEL: Label,
      },
    });
    // identity-service discovers the provider on first use, so it may start after the system.
    provider = await startTestProvider({ port, redirectUri: `${sys.origin}/api/auth/sso/callback` });
    cls = await sys.createClass(1);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await provider?.stop();
    await sys?.stop();
  });

  it('tells clients single sign-on is on, with its label', async () => {
    const res = await fetch(`${sys.gatewayUrl}/api/auth/config`);
    expect(await res.json()).toEqual({ password: true, passkey: true, sso: { enabled: true, label: Label } });
  });

  it('creates an account for a new person, and finds the same account at the next login', async () => {
    provider.accounts.set('uni-4711', { email: 'grace.new@uni.test', email_verified: true, name: 'Grace New' });
    const page = await freshPage();
    await page.goto(sys.origin);
    await page.getByRole('link', { name: Label }).waitFor();
    await snapAccessible(page, 'sign-in-with-sso');
    const first = await signInThroughProvider(page, 'uni-4711');
    expect(first).toMatchObject({ name: 'Grace New', role: 'student' });
    await snapAccessible(page, 'sso-signed-in-student');

    // Another browser, the same person at the provider: the same account (matched by issuer and subject).
    const again = await signInThroughProvider(await freshPage(), 'uni-4711');
    expect(again.id).toBe(first.id);
  });

  it('links an existing account by its verified email, and keeps the link', async () => {
    const student = cls.students[0]!;
    provider.accounts.set('uni-0001', { email: student.email.toUpperCase(), email_verified: true, name: 'Someone Else' });
    const linked = await signInThroughProvider(await freshPage(), 'uni-0001');
    expect(linked).toMatchObject({ id: student.id, name: student.name });
    // Even if the provider's email changes later, the subject still finds the account.
    provider.accounts.set('uni-0001', { email: 'renamed@uni.test', email_verified: true });
    expect((await signInThroughProvider(await freshPage(), 'uni-0001')).id).toBe(student.id);
  });

  it('refuses a provider error and a tampered state with a clear message on the sign-in page', async () => {
    const page = await freshPage();
    await page.goto(sys.origin);
    await page.getByRole('link', { name: Label }).click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
    // The person cancels at the provider: it answers error=access_denied.
    await page.goto(`${page.url().replace(/\/$/, '')}/abort`);
    await page.getByRole('alert').filter({ hasText: 'The university sign-in did not let you in' }).waitFor();
    expect(page.url()).toBe(`${sys.origin}/`);
    await snapAccessible(page, 'sso-provider-refused');

    await page.goto(`${sys.origin}/api/auth/sso/callback?code=forged-code&state=tampered-state`);
    await page.getByRole('alert').filter({ hasText: 'could not be matched to one started in this browser' }).waitFor();

    // A real state from another browser does not work in this one either (the cookie binds it).
    const other = await freshPage();
    await other.goto(sys.origin);
    const authorization = other.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/auth`));
    await other.getByRole('link', { name: Label }).click();
    const state = new URL((await authorization).url()).searchParams.get('state');
    expect(state).toEqual(expect.any(String));
    await page.goto(`${sys.origin}/api/auth/sso/callback?code=forged-code&state=${encodeURIComponent(state!)}`);
    await page.getByRole('alert').filter({ hasText: 'could not be matched' }).waitFor();
  });

  it('shows the sign-in page in French with both new ways in', async () => {
    const page = await freshPage('fr-FR');
    await page.goto(sys.origin);
    await page.getByRole('button', { name: 'Se connecter avec une clé d’accès' }).waitFor();
    await snapAccessible(page, 'sign-in-with-sso-fr');
  });
});
