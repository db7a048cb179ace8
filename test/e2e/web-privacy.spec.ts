/**
 * Erasure and data export in a real browser against the services (issue 15): an admin erases a
 * student through the People screen's dialog (the email typed to confirm, checked in the page and
 * again by the server), the list then shows the erased placeholder, and the student's open page is
 * signed out. Everyone has "Download all my data", sent with their token; an admin has it for each
 * person too. On a laptop in English and on a 360 px phone in French; every screen is saved to
 * test-artifacts/screenshots/ and checked with axe-core.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import {
  launchChromium,
  openLaptop,
  openPhone,
  screenshotDir,
  seatClass,
  seriousA11yViolations,
  signInPage,
  snapScreen,
  startTestSystem,
  type Classroom,
  type TestSystem,
} from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const campus: Position = { latitude: 50.8466, longitude: 4.3528, accuracy: 12 };

describe('erasing a person and downloading data in the web client', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;
  let admin: Page;
  let studentPage: Page;
  const student = (i: number) => klass.cls.students[i]!;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  /** A modal dialog is placed in the viewport: a full-page picture would show it cut, so this one is of the screen as seen. */
  async function snapDialog(page: Page, screen: string): Promise<void> {
    await page.screenshot({ path: join(screenshotDir, `${screen}.png`), animations: 'disabled' });
    const serious = await seriousA11yViolations(page);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  /**
   * Clicks a download button and checks the request: the right path, with this tab's bearer token.
   * The file itself is checked when the services answer; until every service has its part of the
   * export, the gateway may refuse, and the page must then say so next to the button.
   */
  async function downloads(page: Page, button: Locator, path: string, near: Locator): Promise<void> {
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('classconnect.auth')!) as { accessToken: string }).accessToken);
    const file = page.waitForEvent('download', { timeout: 30_000 }).catch(() => null);
    const [request] = await Promise.all([page.waitForRequest((r) => new URL(r.url()).pathname === path), button.click()]);
    expect(request.method()).toBe('GET');
    await expect(request.allHeaders().then((h) => h.authorization)).resolves.toBe(`Bearer ${token}`);
    const response = await request.response();
    if (response?.ok()) {
      const saved = await file;
      expect(saved).not.toBeNull();
      const body = JSON.parse(await readFile((await saved!.path())!, 'utf8')) as { format: string };
      expect(body.format).toBe('classconnect.person-data.v1');
    } else {
      await near.getByRole('alert').waitFor();
    }
  }

  /** The People list, searched: the row of `text`, on the admin's laptop. */
  async function findPerson(text: string): Promise<Locator> {
    await admin.getByRole('tab', { name: 'People' }).click();
    await admin.getByLabel('Search by name or email').fill(text);
    const row = admin.getByTestId('people-list').getByRole('listitem').filter({ hasText: text });
    await row.waitFor();
    return row;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    await seedDemoAdmin(sys);
    klass = await seatClass(sys, 2);
    browser = await launchChromium();
    admin = await openLaptop(browser, sys.origin, campus);
    await signInPage(admin, sys.origin, DemoAdmin.email, DemoAdmin.password);
    await admin.getByRole('heading', { name: 'Administration' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    klass?.close();
    await sys?.stop();
  });

  it('gives a student “Download all my data” beside their records, sent with their token, on a 360 px phone', async () => {
    const phone = await openPhone(browser, sys.origin, 'student-1', campus);
    const page = phone.page;
    await signInPage(page, sys.origin, student(1).email, student(1).password);
    await page.getByRole('button', { name: 'See my attendance' }).click();
    const section = page.getByTestId('my-data-download');
    await section.getByText('One JSON file with everything ClassConnect holds about you').waitFor();
    await downloads(page, section.getByRole('button', { name: 'Download all my data (JSON)' }), '/api/me/data.json', section);
    await snap(page, 'privacy-phone-student-my-data');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await phone.context.close();
  });

  it('gives the admin their own download below the console, and each person’s data from the People list', async () => {
    const mine = admin.getByTestId('my-data-download');
    await downloads(admin, mine.getByRole('button', { name: 'Download all my data (JSON)' }), '/api/me/data.json', mine);
    const row = await findPerson(student(1).email);
    await downloads(admin, row.getByRole('button', { name: `Download data of ${student(1).name}` }), `/api/users/${student(1).id}/data.json`, row);
  });

  it('gives a teacher the same download below their courses', async () => {
    const page = await openLaptop(browser, sys.origin, campus);
    await signInPage(page, sys.origin, klass.cls.teacher.email, klass.cls.teacher.password);
    await page.getByRole('heading', { name: 'Your courses' }).waitFor();
    const section = page.getByTestId('my-data-download');
    await downloads(page, section.getByRole('button', { name: 'Download all my data (JSON)' }), '/api/me/data.json', section);
    await page.context().close();
  });

  it('offers no Erase for the admin’s own account', async () => {
    const row = await findPerson(DemoAdmin.email);
    await row.getByRole('button', { name: `Edit ${DemoAdmin.name}` }).click();
    await row.getByRole('button', { name: 'Save' }).waitFor();
    await expect(row.getByRole('button', { name: 'Erase…' }).count()).resolves.toBe(0);
    await row.getByRole('button', { name: 'Cancel' }).click();
  });

  it('opens the erase dialog from the edit form: labelled, focus in the email field, Escape closes and gives focus back', async () => {
    // The student is signed in while it happens: their page must end when they are erased.
    studentPage = await openLaptop(browser, sys.origin, campus);
    await signInPage(studentPage, sys.origin, student(0).email, student(0).password);

    const row = await findPerson(student(0).email);
    await row.getByRole('button', { name: `Edit ${student(0).name}` }).click();
    const erase = row.getByRole('button', { name: 'Erase…' });
    await erase.click();
    const dialog = admin.getByRole('dialog', { name: `Erase ${student(0).name}?` });
    await dialog.waitFor();
    await dialog.getByText('This cannot be undone.').waitFor();
    await dialog.getByText('Their attendance is kept under “Erased student”').waitFor();
    const email = dialog.getByLabel('Type the person’s email to confirm');
    await expect(email.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(erase.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  });

  it('keeps Erase disabled until the email matches, and the server refuses a wrong email even when the button is forced', async () => {
    const row = await findPerson(student(0).email);
    await row.getByRole('button', { name: 'Erase…' }).click();
    const dialog = admin.getByRole('dialog', { name: `Erase ${student(0).name}?` });
    const email = dialog.getByLabel('Type the person’s email to confirm');
    const eraseButton = dialog.getByRole('button', { name: 'Erase for good' });
    await email.fill(`not-${student(0).email}`);
    await expect(eraseButton.isDisabled()).resolves.toBe(true);
    await snapDialog(admin, 'privacy-erase-dialog');

    // The button is a help; the check that counts is the server's.
    await eraseButton.evaluate((b) => ((b as HTMLButtonElement).disabled = false));
    await eraseButton.click();
    await dialog.getByRole('alert').filter({ hasText: 'The email typed does not match this account.' }).waitFor();
    await expect(row.textContent()).resolves.not.toContain('Erased');
  });

  it('erases with the right email (in any capitals): says so, and the row shows the placeholder, the badge and only Download data', async () => {
    // The dialog from the refused attempt is still open, over the list.
    const row = admin.getByTestId('people-list').getByRole('listitem').filter({ hasText: student(0).email });
    const dialog = admin.getByRole('dialog', { name: `Erase ${student(0).name}?` });
    await dialog.getByLabel('Type the person’s email to confirm').fill(student(0).email.toUpperCase());
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await dialog.waitFor({ state: 'detached' });

    const notice = admin.getByTestId('erased-notice');
    await notice.filter({ hasText: `${student(0).name} has been erased for good.` }).waitFor();
    await expect(notice.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const erased = admin.getByTestId('people-list').locator('li[data-erased="true"]');
    await erased.filter({ hasText: 'Erased student' }).waitFor();
    await expect(erased.locator('.tag-erased').textContent()).resolves.toBe('Erased');
    await expect(erased.getByRole('button').allTextContents()).resolves.toEqual(['Download data']);
    await expect(row.count()).resolves.toBe(0);
    await snap(admin, 'privacy-erased-row');

    // The server's own list, searched afresh, says the same.
    await admin.getByLabel('Search by name or email').fill('Erased');
    const listed = admin.getByTestId('people-list').locator('li[data-erased="true"]');
    await listed.waitFor();
    await expect(listed.count()).resolves.toBe(1);
    await expect(listed.textContent()).resolves.toMatch(/^Erased student.*Erased/);
    await expect(admin.getByTestId('people-list').textContent()).resolves.not.toContain(student(0).email);
  });

  it('signs the erased student out of their open page, and refuses their password afterwards', async () => {
    await studentPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await studentPage.getByTestId('sign-in-notice').waitFor();
    await studentPage.getByLabel(/email/i).fill(student(0).email);
    await studentPage.getByLabel(/password/i).fill(student(0).password);
    await studentPage.getByRole('button', { name: /^sign in$/i }).click();
    await studentPage.getByRole('alert').filter({ hasText: 'The email or password is not correct.' }).waitFor();
    await studentPage.context().close();
  });

  it('fits a 360 px phone in French: the erased row, the dialog and its explanation', async () => {
    const phone = await openPhone(browser, sys.origin, 'admin-phone', campus, 'fr-FR');
    const page = phone.page;
    await signInPage(page, sys.origin, DemoAdmin.email, DemoAdmin.password);
    await page.getByLabel('Rechercher par nom ou e-mail').fill('Erased');
    const erased = page.getByTestId('people-list').locator('li[data-erased="true"]');
    await erased.filter({ hasText: 'Étudiant·e effacé·e' }).waitFor();
    await expect(erased.locator('.tag-erased').textContent()).resolves.toBe('Effacé');
    await snap(page, 'privacy-phone-fr-erased-row');

    await page.getByLabel('Rechercher par nom ou e-mail').fill(student(1).email);
    // Within the student's own row: until the search has applied, the list may still show someone
    // else of the same name.
    const row = page.getByTestId('people-list').getByRole('listitem').filter({ hasText: student(1).email });
    await row.getByRole('button', { name: `Modifier ${student(1).name}` }).click();
    await row.getByRole('button', { name: 'Effacer…' }).click();
    const dialog = page.getByRole('dialog', { name: `Effacer ${student(1).name}` });
    await dialog.getByText('C’est irréversible.').waitFor();
    await snapDialog(page, 'privacy-phone-fr-erase-dialog');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await expect(dialog.evaluate((d) => d.getBoundingClientRect().right)).resolves.toBeLessThanOrEqual(360);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('my-data-download').getByRole('button', { name: 'Télécharger toutes mes données (JSON)' }).waitFor();
    await phone.context.close();
  });
});
