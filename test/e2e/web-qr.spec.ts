/**
 * The rotating QR code in a real browser (Debian's Chromium, as in web-client.spec.ts): the teacher
 * starts a session that requires the code and puts it on screen; one student opens the QR code's URL
 * on their phone (signing in and setting up a passkey on the way) and is checked in by it; another
 * types the short code. Screens are checked with axe-core and saved to test-artifacts/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  fillSignIn,
  launchChromium,
  offsetNorth,
  openPhone as openPhoneIn,
  snapAccessible,
  startTestSystem,
  type ClassFixture,
  type TestSystem,
} from '@classconnect/testing';
import type { Position } from '@classconnect/contracts';
import { sleep } from '@classconnect/messaging';

const room: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 12 };
const snap = snapAccessible;

describe('the rotating QR code in Chromium', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacher: Page;
  /** The QR code's URL as the screen first showed it, and when: two steps later (20 s) it is stale. */
  let firstUrl: string;
  let firstUrlAt: number;
  const count = (kind: string) => teacher.getByTestId(`count-${kind}`).locator('.tile-value');

  /** Opens the teacher's QR screen, reads what it shows now, and closes it onto the roster. */
  async function currentCode(): Promise<{ url: string; shortCode: string }> {
    await teacher.getByRole('button', { name: 'Show QR code' }).click();
    await teacher.getByTestId('qr-image').waitFor();
    const code = { url: (await teacher.getByTestId('qr-image').getAttribute('data-url'))!, shortCode: (await teacher.getByTestId('qr-short-code').textContent())! };
    await teacher.keyboard.press('Escape');
    await teacher.getByTestId('qr-screen').waitFor({ state: 'detached' });
    return code;
  }

  async function openPhone(position: Position, locale = 'en-GB'): Promise<Page> {
    return (await openPhoneIn(browser, sys.origin, 'qr-phone', position, locale)).page;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(5);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('lets the teacher start a session that requires the QR code and show it full screen', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', geolocation: room, permissions: ['geolocation'] });
    await context.grantPermissions(['geolocation'], { origin: sys.origin });
    teacher = await context.newPage();
    await teacher.goto(sys.origin);
    await fillSignIn(teacher, cls.teacher.email, cls.teacher.password);
    await teacher.getByLabel('QR code on your screen').selectOption('required');
    await snap(teacher, 'teacher-qr-01-start-options');
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();

    await teacher.getByRole('button', { name: 'Show QR code' }).click();
    const screen = teacher.getByRole('dialog', { name: /Scan to check in/ });
    await screen.waitFor();
    await teacher.getByTestId('qr-image').waitFor();
    await expect(teacher.getByTestId('qr-short-code').textContent()).resolves.toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    const url = await teacher.getByTestId('qr-image').getAttribute('data-url');
    expect(url).toMatch(new RegExp(`^${sys.origin}/checkin\\?session=[0-9a-f-]{36}&qr=`));
    firstUrl = url!;
    firstUrlAt = Date.now();
    // The QR code fills most of the screen's height: readable from the back of a hall.
    const box = (await teacher.getByTestId('qr-image').boundingBox())!;
    expect(box.height).toBeGreaterThan(500);
    await snap(teacher, 'teacher-qr-02-full-screen');
  });

  it('checks in a student who opens the QR code’s link on their phone, signing in and setting up a passkey on the way', async () => {
    const phone = await openPhone(offsetNorth(room, 10));
    const url = (await teacher.getByTestId('qr-image').getAttribute('data-url'))!;
    await phone.goto(url);
    await phone.getByRole('heading', { name: 'Sign in' }).waitFor();
    await fillSignIn(phone, cls.students[0]!.email, cls.students[0]!.password);
    await phone.getByRole('button', { name: /Set up my passkey/ }).click();
    const result = phone.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    expect(new URL(phone.url()).pathname).toBe('/');
    await snap(phone, 'student-qr-01-checked-in-by-link');
  });

  it('asks another student for the code, and checks them in with the short code typed by hand', async () => {
    const phone = await openPhone(offsetNorth(room, 15));
    await phone.goto(sys.origin);
    await fillSignIn(phone, cls.students[1]!.email, cls.students[1]!.password);
    await phone.getByRole('button', { name: /Set up my passkey/ }).click();
    await phone.getByTestId('checkin-card').waitFor();
    await phone.getByText('This class needs the code on the teacher’s screen.').waitFor();
    const checkIn = phone.getByRole('button', { name: /^Check in to / });
    await expect(checkIn.isDisabled()).resolves.toBe(true);
    await snap(phone, 'student-qr-02-code-needed');

    const shortCode = (await teacher.getByTestId('qr-short-code').textContent())!;
    await phone.getByLabel('Code on the teacher’s screen').fill(shortCode.toLowerCase());
    await checkIn.click();
    const result = phone.getByTestId('checkin-result');
    await result.waitFor();
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
  });

  it('shows a new code each step, and closes with Escape onto the live roster', async () => {
    const first = await teacher.getByTestId('qr-short-code').textContent();
    await teacher.getByTestId('qr-short-code').filter({ hasNotText: first! }).waitFor({ timeout: 15_000 });
    await teacher.keyboard.press('Escape');
    await teacher.getByTestId('qr-screen').waitFor({ state: 'detached' });
    await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: '2' }).waitFor();
    await expect(teacher.getByRole('button', { name: 'Show QR code' }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await snap(teacher, 'teacher-qr-03-roster');
  });

  it('shows a stale QR link as "try again" on the phone and "needs retry" on the roster, then checks the student in with the code shown now', async () => {
    // Two steps after it was first shown, the first link is stale: as a photo sent to a friend would be.
    const wait = firstUrlAt + 21_000 - Date.now();
    if (wait > 0) await sleep(wait);
    const phone = await openPhone(offsetNorth(room, 12));
    await phone.goto(firstUrl);
    await fillSignIn(phone, cls.students[2]!.email, cls.students[2]!.password);
    await phone.getByRole('button', { name: /Set up my passkey/ }).click();
    const result = phone.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('retry');
    await expect(result.getAttribute('data-reason')).resolves.toBe('QR_EXPIRED');
    await result.getByRole('heading', { name: 'Try again with the code shown now' }).waitFor();
    await snap(phone, 'student-qr-03-stale-link-try-again');

    // The same stale link on a French phone: « Réessayez », not a refusal.
    const french = await openPhone(offsetNorth(room, 16), 'fr-FR');
    await french.goto(firstUrl);
    await fillSignIn(french, cls.students[4]!.email, cls.students[4]!.password);
    await french.getByRole('button', { name: /Créer ma clé/ }).click();
    const frResult = french.getByTestId('checkin-result');
    await frResult.waitFor({ timeout: 20_000 });
    await expect(frResult.getAttribute('data-verdict')).resolves.toBe('retry');
    await frResult.getByRole('heading', { name: 'Réessayez avec le code affiché maintenant' }).waitFor();
    await frResult.getByText('Ce code a déjà changé sur l’écran de l’enseignant·e.').waitFor();
    await snap(french, 'student-qr-03b-stale-link-try-again-fr');

    // The teacher sees "needs retry", apart from the refusals.
    await count('retry').filter({ hasText: /^2$/ }).waitFor();
    await expect(count('rejected').textContent()).resolves.toBe('0');
    const row = teacher.locator(`[data-testid=roster] li[data-student="${cls.students[2]!.id}"]`);
    await expect(row.getAttribute('data-kind')).resolves.toBe('retry');
    await expect(row.textContent()).resolves.toMatch(/Needs retry: QR code too old/);
    await snap(teacher, 'teacher-qr-04-needs-retry');

    const { shortCode } = await currentCode();
    await result.getByLabel('Code on the teacher’s screen').fill(shortCode);
    await result.getByRole('button', { name: 'Try again' }).click();
    await phone.locator('[data-testid=checkin-result][data-verdict=accepted]').waitFor({ timeout: 20_000 });
    await count('present').filter({ hasText: /^3$/ }).waitFor();
    await count('retry').filter({ hasText: /^1$/ }).waitFor();
    // The row is no longer "needs retry" (its count tile goes when nobody needs to retry).
    await teacher.locator(`[data-testid=roster] li[data-student="${cls.students[2]!.id}"][data-kind=present]`).waitFor();
  });

  it('takes the code when the link opens the check-in: a passkey prompt slower than two code changes does not make it stale', async () => {
    const { url } = await currentCode();
    const phone = await openPhone(offsetNorth(room, 14));
    // The biometric prompt takes 21 s: by the submit, the token would be two steps old.
    await phone.addInitScript(() => {
      const get = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = async (options) => {
        await new Promise((resolve) => setTimeout(resolve, 21_000));
        return get(options);
      };
    });
    await phone.goto(url);
    await fillSignIn(phone, cls.students[3]!.email, cls.students[3]!.password);
    await phone.getByRole('button', { name: /Set up my passkey/ }).click();
    await phone.getByText('Confirm it is you on your phone…').first().waitFor({ timeout: 10_000 });
    const result = phone.getByTestId('checkin-result');
    await result.waitFor({ timeout: 45_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    await count('present').filter({ hasText: /^4$/ }).waitFor();
  });
});
