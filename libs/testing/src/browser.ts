/**
 * The web client in a real browser for end-to-end specs: Debian's Chromium driven by
 * playwright-core, laptops and phones (with a virtual passkey authenticator and a position),
 * screenshots to test-artifacts/screenshots/ and axe-core checks of each screen.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';

export const screenshotDir = join(process.cwd(), 'test-artifacts', 'screenshots');

let axeSource: string | undefined;

/** Debian's Chromium (CHROMIUM_PATH, else /usr/bin/chromium), headless. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page and returns the serious and critical violations of this screen. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through DevTools, not added as a <script>: the page's Content-Security-Policy allows no inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Records, in every page of the context, what the Content-Security-Policy refused (a script, a
 * style, a connection): the whole client must work under the gateway's policy, so every screen
 * snapScreen takes also fails on a refusal.
 */
export async function watchCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
}

/** What the page's Content-Security-Policy refused so far (empty when watchCspViolations was not set up). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png and returns the screen's serious axe violations. */
export async function snapScreen(page: Page, name: string): Promise<AxeViolation[]> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
  const refused = await cspViolations(page);
  if (refused.length) throw new Error(`the Content-Security-Policy refused something on ${name}: ${refused.join('; ')}`);
  return seriousA11yViolations(page);
}

/** Like snapScreen, but fails (naming the screen and each violation) when axe finds a serious or critical one. */
export async function snapAccessible(page: Page, name: string): Promise<void> {
  const serious = await snapScreen(page, name);
  if (serious.length) throw new Error(`accessibility violations on ${name}: ${JSON.stringify(serious, null, 2)}`);
}

/** Signs in through the sign-in screen and waits until the live channel is connected. */
export async function signInPage(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(origin);
  await fillSignIn(page, email, password);
}

/** Fills the sign-in form already on screen and waits until the live channel is connected. */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel(/email|e-mail/i).fill(email);
  await page.getByLabel(/password|mot de passe/i).fill(password);
  // Anchored: the page also offers “Sign in with a passkey” and the university's single sign-on.
  await page.getByRole('button', { name: /^(sign in|se connecter)$/i }).click();
  await page.getByTestId('connection').filter({ hasText: /^(Connected|Connecté)$/ }).waitFor();
}

export interface Phone {
  name: string;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

/** A 360 px phone at `position`, with a platform passkey authenticator that verifies its owner. */
export async function openPhone(browser: Browser, origin: string, name: string, position: Position, locale = 'en-GB'): Promise<Phone> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 760 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale,
    geolocation: position,
    permissions: ['geolocation'],
  });
  await context.grantPermissions(['geolocation'], { origin });
  await context.setGeolocation(position);
  await watchCspViolations(context);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { name, context, page, cdp, authenticatorId };
}

/** A laptop browser (1280×800) at `position`. */
export async function openLaptop(browser: Browser, origin: string, position: Position, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale, geolocation: position, permissions: ['geolocation'] });
  await context.grantPermissions(['geolocation'], { origin });
  await watchCspViolations(context);
  return context.newPage();
}

/** Stops the live session from the teacher's roster: Stop, then "Yes, stop" in the confirmation (English or French). */
export async function stopFromRoster(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^(Stop and get the report|Arrêter et voir le rapport)$/ }).click();
  await page.getByTestId('stop-confirm').getByRole('button', { name: /^(Yes, stop|Oui, arrêter)$/ }).click();
}
