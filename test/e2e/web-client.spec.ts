/**
 * The web client in a real browser: Debian's Chromium (driven by playwright-core) against the five
 * services, as a teacher on a laptop and students on phones would use it. Passkeys go through
 * Chromium's own WebAuthn with a virtual authenticator per phone; positions come from the browser's
 * geolocation. Every screen is checked with axe-core and saved to test-artifacts/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  offsetNorth,
  openPhone as openPhoneIn,
  signInPage,
  snapAccessible,
  startTestSystem,
  type ClassFixture,
  type Phone,
  type TestSystem,
  stopFromRoster,
} from '@classconnect/testing';
import type { Position } from '@classconnect/contracts';

const room: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 12 };
const snap = snapAccessible;

describe('the web client in Chromium', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacher: Page;
  const phones: Phone[] = [];
  let sessionStartedAt = 0;

  async function openPhone(name: string, position: Position, locale = 'en-GB'): Promise<Phone> {
    const phone = await openPhoneIn(browser, sys.origin, name, position, locale);
    phones.push(phone);
    return phone;
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

  it('serves the app from the gateway, with an SPA fallback that leaves the API alone', async () => {
    const home = await fetch(`${sys.gatewayUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    const deep = await fetch(`${sys.gatewayUrl}/some/client/route`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    const manifest = await fetch(`${sys.gatewayUrl}/manifest.webmanifest`);
    expect(await manifest.json()).toMatchObject({ name: 'ClassConnect', display: 'standalone' });
    const api = await fetch(`${sys.gatewayUrl}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await fetch(`${sys.gatewayUrl}/missing.js`)).status).toBe(404);
  });

  it('signs students in on their phones and sets up a passkey in one tap', async () => {
    const inside1 = await openPhone('inside-1', offsetNorth(room, 8));
    const inside2 = await openPhone('inside-2', offsetNorth(room, 25));
    const outside = await openPhone('outside', offsetNorth(room, 600), 'fr-FR');
    const noUv = await openPhone('no-uv', offsetNorth(room, 5));
    const students = [inside1, inside2, outside, noUv];

    await inside1.page.goto(sys.origin);
    await inside1.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await snap(inside1.page, 'student-01-sign-in');

    for (const [i, phone] of students.entries()) {
      await signInPage(phone.page, sys.origin, cls.students[i]!.email, cls.students[i]!.password);
      await phone.page.getByRole('heading', { name: /Set up check-in on this phone|Activer la présence/ }).waitFor();
      if (i === 0) await snap(phone.page, 'student-02-passkey-setup');
      await phone.page.getByRole('button', { name: /Set up my passkey|Créer ma clé/ }).click();
      await phone.page.getByText(/No class is taking attendance|Aucun cours ne fait l’appel/).waitFor();
      const { credentials } = await phone.cdp.send('WebAuthn.getCredentials', { authenticatorId: phone.authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]!.isResidentCredential).toBe(true);
    }
    await snap(inside1.page, 'student-03-home-waiting');
    await snap(outside.page, 'student-03-home-waiting-fr');
    // This phone's owner has no screen lock any more: the authenticator can no longer verify them.
    await noUv.cdp.send('WebAuthn.setUserVerified', { authenticatorId: noUv.authenticatorId, isUserVerified: false });
  });

  it('shows when the connection drops and reconnects by itself', async () => {
    const badge = phones[0]!.page.getByTestId('connection');
    await sys.kill('gateway', 'SIGTERM');
    await badge.filter({ hasText: 'Offline — reconnecting' }).waitFor();
    await sys.restart('gateway');
    for (const phone of phones) await phone.page.getByTestId('connection').filter({ hasText: /^(Connected|Connecté)$/ }).waitFor({ timeout: 30_000 });
  });

  it('lets the teacher start with one click and prompts every student at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', geolocation: room, permissions: ['geolocation'] });
    await context.grantPermissions(['geolocation'], { origin: sys.origin });
    teacher = await context.newPage();
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacher.getByRole('heading', { name: 'Your courses' }).waitFor();
    await teacher.getByLabel('Check-in area (radius)').selectOption('100');
    await snap(teacher, 'teacher-01-courses');

    sessionStartedAt = Date.now();
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    await teacher.locator('[data-testid=roster] li').nth(4).waitFor();
    await expect(teacher.getByTestId('count-absent').locator('.tile-value').textContent()).resolves.toBe('5');
    await snap(teacher, 'teacher-02-live-empty');

    for (const phone of phones) await phone.page.getByTestId('checkin-card').waitFor();
    await snap(phones[0]!.page, 'student-04-checkin-prompt');
  });

  it('accepts the students in the room, rejects one too far away and one whose phone did not verify them, each with what to do', async () => {
    const [inside1, inside2, outside, noUv] = phones as [Phone, Phone, Phone, Phone];
    for (const phone of phones) await phone.page.getByRole('button', { name: /^(Check in to|Signaler ma présence en) / }).click();

    for (const phone of [inside1, inside2]) {
      const result = phone.page.getByTestId('checkin-result');
      await result.waitFor();
      await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
      await expect(result.textContent()).resolves.toContain('You are checked in');
    }
    await snap(inside1.page, 'student-05-checked-in');

    const far = outside.page.getByTestId('checkin-result');
    await far.waitFor();
    await expect(far.getAttribute('data-reason')).resolves.toBe('OUTSIDE_GEOFENCE');
    await expect(far.textContent()).resolves.toMatch(/à environ (59\d|60\d) m, hors de la zone de 100 m.*Rapprochez-vous de la salle/);
    await snap(outside.page, 'student-06-rejected-too-far-fr');

    // With user verification required, Chromium itself refuses to sign for a phone that cannot verify
    // its owner (NotAllowedError): nothing reaches the server, and the student is told what to fix.
    // (The server's own USER_NOT_VERIFIED check is covered with a software authenticator in classroom.spec.)
    const unverified = noUv.page.getByTestId('checkin-result');
    await unverified.waitFor();
    await expect(unverified.getAttribute('data-reason')).resolves.toBe('USER_NOT_VERIFIED');
    await expect(unverified.textContent()).resolves.toContain('fingerprint, face or PIN');
    await snap(noUv.page, 'student-07-rejected-not-verified');

    // The teacher's roster filled in by itself: 2 present, 1 refused (with the reason), 2 not yet.
    await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: '2' }).waitFor();
    await teacher.getByTestId('count-rejected').locator('.tile-value').filter({ hasText: '1' }).waitFor();
    await expect(teacher.getByTestId('count-absent').locator('.tile-value').textContent()).resolves.toBe('2');
    const roster = teacher.getByTestId('roster');
    await expect(roster.locator('[data-state=present]').count()).resolves.toBe(2);
    await expect(roster.locator('[data-state=rejected]').filter({ hasText: /too far away · (59\d|60\d) m away/ }).count()).resolves.toBe(1);
    await snap(teacher, 'teacher-03-live-roster');
  });

  it('stops, shows the report at once and downloads it as CSV', async () => {
    await stopFromRoster(teacher);
    const table = teacher.getByTestId('report');
    await table.waitFor({ timeout: 30_000 });
    await expect(table.locator('tbody tr').count()).resolves.toBe(5);
    await expect(table.locator('tbody tr.status-present').count()).resolves.toBe(2);
    await snap(teacher, 'teacher-04-report');

    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^attendance-.+\.csv$/);
    // For people: a heading (course, date, time, teacher, time zone), then readable headers, the email first.
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toMatch(/^Course,.+ · /);
    expect(csv[1]).toMatch(/^Date,"?\w+day/);
    const header = csv.indexOf(csv.find((l) => l.startsWith('Email,'))!);
    expect(csv[header]).toMatch(/^Email,Name,Status,Checked in at,Distance \(m\),Accuracy \(m\),Proven by,Last refused try(,|$)/);
    const rows = csv.slice(header + 1);
    expect(rows).toHaveLength(5);
    expect(rows.filter((line) => line.includes(',Present,'))).toHaveLength(2);
    expect(rows.some((line) => line.includes(',OUTSIDE_GEOFENCE'))).toBe(true);

    // The students who were refused see that the session has ended; the accepted ones keep their result.
    await phones[2]!.page.getByText('Cet appel est terminé.').waitFor();
    await expect(phones[0]!.page.getByTestId('checkin-result').getAttribute('data-verdict')).resolves.toBe('accepted');
    expect(Date.now() - sessionStartedAt).toBeLessThan(120_000);
  });
});
