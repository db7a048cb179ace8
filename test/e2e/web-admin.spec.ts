/**
 * The administrator's console in a real browser against the five services: an admin signs in,
 * creates a teacher account and a course, assigns the teacher, and reads the audit log of it;
 * the new teacher then signs in and finds the course. On a laptop in English and on a 360 px
 * phone in French; every screen is saved to test-artifacts/screenshots/ and checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, type Position } from '@classconnect/contracts';
import { launchChromium, openLaptop, openPhone, requestOk, seatClass, signInPage, snapScreen, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const campus: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 15 };
const teacher = { name: 'Rosalind Franklin', email: 'rosalind.franklin@uni.test', password: 'helix-1953-pass' };

describe('the admin console in the web client', () => {
  let sys: TestSystem;
  let browser: Browser;
  let admin: Page;
  let klass: Classroom | undefined;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    await seedDemoAdmin(sys);
    browser = await launchChromium();
    admin = await openLaptop(browser, sys.origin, campus);
    await signInPage(admin, sys.origin, DemoAdmin.email, DemoAdmin.password);
  });

  afterAll(async () => {
    klass?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('opens on the console (not the teacher’s home), with People, Courses, Rooms, Enrolments, Roster import, Devices, Audit log, Dead letters and Webhooks', async () => {
    await admin.getByRole('heading', { name: 'Administration' }).waitFor();
    const tabs = await admin.getByRole('tab').allTextContents();
    expect(tabs).toEqual(['People', 'Courses', 'Rooms', 'Enrolments', 'Roster import', 'Devices', 'Audit log', 'Dead letters', 'Webhooks']);
    await expect(admin.getByRole('tab', { name: 'People' }).getAttribute('aria-selected')).resolves.toBe('true');
    await admin.getByTestId('people-list').waitFor();
    await admin.locator('#people-role').selectOption('admin');
    await admin.getByTestId('people-list').getByText('Morgan Admin').waitFor();
    await snap(admin, 'admin-people');
  });

  it('says what is wrong with a field under it, in the app’s words, instead of the browser’s pop-up', async () => {
    const add = admin.getByRole('form', { name: 'Add a person' });
    await add.getByRole('button', { name: 'Create the account' }).click();
    const name = add.getByLabel('Full name');
    await add.getByText('Fill this in.').first().waitFor();
    // The first wrong field takes the focus and is described by its problem; nothing was sent.
    await expect(name.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await name.getAttribute('aria-describedby'))!.split(' ');
    await expect(admin.locator(`#${describedBy.at(-1)}`).textContent()).resolves.toBe('Fill this in.');
    await add.getByLabel('Email').fill('not-an-email');
    await add.getByRole('button', { name: 'Create the account' }).click();
    await add.getByText('Enter an email address, such as name@school.edu.').waitFor();
    await snap(admin, 'admin-people-field-problems');
    // Typing a right value takes the problem away at once.
    await name.fill('x');
    await expect(name.getAttribute('aria-invalid')).resolves.toBeNull();
    await name.fill('');
    await add.getByLabel('Email').fill('');
  });

  it('creates a teacher account, finds it, and refuses the same email twice with a clear message', async () => {
    const add = admin.getByRole('form', { name: 'Add a person' });
    await add.getByLabel('Full name').fill(teacher.name);
    await add.getByLabel('Email').fill(teacher.email);
    await add.getByLabel('Role').selectOption('teacher');
    await add.getByLabel('Password (optional)').fill(teacher.password);
    await add.getByRole('button', { name: 'Create the account' }).click();
    await admin.getByRole('status').filter({ hasText: `Account created for ${teacher.name}.` }).waitFor({ state: 'attached' });
    await expect(add.getByLabel('Full name').inputValue()).resolves.toBe('');
    await admin.locator('#people-role').selectOption('');
    await admin.getByLabel('Search by name or email').fill('rosalind');
    const row = admin.getByTestId('people-list').getByRole('listitem');
    await row.filter({ hasText: teacher.email }).waitFor();
    await expect(row.count()).resolves.toBe(1);
    await expect(row.first().textContent()).resolves.toMatch(/Teacher.*Password/);

    await add.getByLabel('Full name').fill('Someone Else');
    await add.getByLabel('Email').fill(teacher.email);
    await add.getByRole('button', { name: 'Create the account' }).click();
    await add.getByRole('alert').filter({ hasText: 'An account with this email already exists.' }).waitFor();
    await snap(admin, 'admin-people-created');
  });

  it('creates a course and assigns the new teacher', async () => {
    await admin.getByRole('tab', { name: 'Courses' }).click();
    const add = admin.getByRole('form', { name: 'Add a course' });
    await add.getByLabel('Code').fill('BIO210');
    await add.getByLabel('Title').fill('Molecular biology');
    await add.getByLabel('Term').fill('2026 autumn');
    await add.getByRole('button', { name: 'Create the course' }).click();
    // The new course opens for editing, so its teachers are chosen next.
    const edit = admin.getByRole('form', { name: 'Edit BIO210' });
    // Teachers are found by a search, not listed all at once; Add moves one up to the chosen list.
    await edit.getByLabel('Find a teacher').fill('rosal');
    const matches = edit.getByTestId('teacher-matches');
    await matches.getByText(teacher.email).waitFor();
    await expect(matches.getByRole('listitem').count()).resolves.toBe(1);
    await edit.getByRole('button', { name: `Add ${teacher.name} as a teacher` }).click();
    await edit.getByRole('list', { name: 'Teachers of BIO210' }).getByText(teacher.name).waitFor();
    await expect(edit.getByLabel('Find a teacher').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await edit.getByLabel('Find a teacher').fill('nobody-by-this-name');
    await edit.getByText('No teacher matches this search.').waitFor();
    await edit.getByLabel('Find a teacher').fill('');
    await matches.getByText('Ada Lovelace').waitFor();
    await snap(admin, 'admin-course-teachers');
    await edit.getByRole('button', { name: 'Save' }).click();
    const card = admin.getByTestId('course-BIO210');
    await card.filter({ hasText: `Teachers: ${teacher.name}` }).waitFor();
    await expect(card.textContent()).resolves.toMatch(/2026 autumn · 0 students/);
    await snap(admin, 'admin-courses');
  });

  it('shows who did each of it in the audit log, newest first, and filters by kind', async () => {
    await admin.getByRole('tab', { name: 'Audit log' }).click();
    const list = admin.getByTestId('audit-list');
    await list.getByText('Set the teachers of BIO210: Rosalind Franklin.').waitFor();
    const items = await list.getByRole('listitem').allTextContents();
    expect(items.slice(0, 3).map((x) => x.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/^Set the teachers of BIO210: Rosalind Franklin\..*Morgan Admin$/),
      expect.stringMatching(/^Created the course BIO210 “Molecular biology” \(2026 autumn\)\..*Morgan Admin$/),
      expect.stringMatching(/^Created the account of Rosalind Franklin <rosalind\.franklin@uni\.test> \(Teacher\)\..*Morgan Admin$/),
    ]);
    await admin.getByLabel('Show').selectOption({ label: 'Accounts created' });
    await list.getByRole('listitem').nth(1).waitFor({ state: 'detached' });
    await expect(list.getByRole('listitem').allTextContents()).resolves.toEqual([expect.stringMatching(/^Created the account of Rosalind Franklin/)]);
    await snap(admin, 'admin-audit');
  });

  it('says so on the Devices tab when no device waits for approval', async () => {
    await admin.getByRole('tab', { name: 'Devices' }).click();
    await admin.getByTestId('devices-empty').filter({ hasText: 'No new device is waiting for approval.' }).waitFor();
    await snap(admin, 'admin-devices-empty');
  });

  it('lets the new teacher sign in and find the course', async () => {
    const page = await openLaptop(browser, sys.origin, campus);
    await signInPage(page, sys.origin, teacher.email, teacher.password);
    await page.getByText('BIO210').first().waitFor();
    await page.context().close();
  });

  it('enrols a student in the new course by email, lists them, and removes them after a confirmation', async () => {
    await admin.getByRole('tab', { name: 'Enrolments' }).click();
    const panel = admin.locator('#admin-panel-enrolments');
    const bio = panel.getByLabel('Course').locator('option', { hasText: 'BIO210' });
    await panel.getByLabel('Course').selectOption((await bio.getAttribute('value'))!);
    await panel.getByText('No students are enrolled yet.').waitFor();
    await panel.getByLabel('Student’s email').fill('student07@demo.classconnect.test');
    await panel.getByRole('button', { name: 'Add the student' }).click();
    const list = panel.getByTestId('enrolled-list');
    await list.getByText('student07@demo.classconnect.test').waitFor();
    await panel.getByText(/is now enrolled\./).waitFor();
    await panel.getByLabel('Student’s email').fill('nobody-here@demo.classconnect.test');
    await panel.getByRole('button', { name: 'Add the student' }).click();
    await panel.getByRole('alert').waitFor();
    await snap(admin, 'admin-enrolments');

    const name = (await list.locator('.admin-item-title').first().textContent())!;
    await panel.getByRole('button', { name: `Remove ${name} from this course` }).click();
    await panel.getByRole('button', { name: `Yes, remove ${name}` }).click();
    await panel.getByText('No students are enrolled yet.').waitFor();
    await panel.getByText(/is no longer enrolled\. Their attendance history is kept\./).waitFor();
  });

  it('disables the teacher: their open page returns to sign-in at once with the reason, and enabling lets them back in', async () => {
    const page = await openLaptop(browser, sys.origin, campus);
    await signInPage(page, sys.origin, teacher.email, teacher.password);
    await admin.getByRole('tab', { name: 'People' }).click();
    await admin.getByLabel('Search by name or email').fill('rosalind');
    await admin.getByRole('button', { name: `Edit ${teacher.name}` }).click();
    await snap(admin, 'admin-person-edit-danger-zone');
    await admin.getByRole('button', { name: 'Disable account' }).click();
    // Set apart from Save, and it asks first.
    await admin.getByRole('alertdialog').getByText(`Disable ${teacher.name}? Their open connections end now`).waitFor();
    await admin.getByRole('button', { name: 'Yes, disable' }).click();
    await admin.getByTestId('people-list').getByText('Disabled').waitFor();
    await page.getByText('Your account has been disabled by an administrator.').waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await snap(page, 'admin-disabled-teacher-signed-out');

    await admin.getByRole('button', { name: `Edit ${teacher.name}` }).click();
    await admin.getByRole('button', { name: 'Enable account' }).click();
    // The list reloads after the change: wait for the tag to go.
    await admin.getByTestId('people-list').getByText('Disabled').waitFor({ state: 'detached' });
    await signInPage(page, sys.origin, teacher.email, teacher.password);
    await page.getByText('BIO210').first().waitFor();
    await page.context().close();
  });

  it('sets the course’s time zone and excused policy in the editor, refusing a zone that is none in the app’s words', async () => {
    await admin.getByRole('tab', { name: 'Courses' }).click();
    const card = admin.getByTestId('course-BIO210');
    // A new course: the deployment's zone (UTC here) and excused sessions left out.
    await expect(card.getByTestId('course-settings').textContent()).resolves.toBe('Times in UTC · Excused: left out');
    await admin.getByRole('button', { name: 'Edit BIO210' }).click();
    const edit = admin.getByRole('form', { name: 'Edit BIO210' });
    const zone = edit.getByLabel('Time zone');
    await expect(zone.inputValue()).resolves.toBe('UTC');
    await zone.fill('Mars/Olympus');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText('Choose a time zone from the list, such as Europe/Paris.').waitFor();
    await expect(zone.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(zone.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await snap(admin, 'admin-course-settings-problem');
    // Any letter case is taken; the server writes the zone back as the zone data spells it.
    await zone.fill('europe/paris');
    await expect(zone.getAttribute('aria-invalid')).resolves.toBeNull();
    await edit.getByLabel('Excused sessions in attendance rates').selectOption({ label: 'Counted as absent' });
    await snap(admin, 'admin-course-settings');
    await edit.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'BIO210' }).waitFor({ state: 'attached' });
    await card.getByTestId('course-settings').filter({ hasText: 'Times in Europe/Paris · Excused: counted as absent' }).waitFor();
    // Back to left out, so the rest of the spec reads the default.
    await admin.getByRole('button', { name: 'Edit BIO210' }).click();
    await edit.getByLabel('Excused sessions in attendance rates').selectOption('exclude');
    await edit.getByRole('button', { name: 'Save' }).click();
    await card.getByTestId('course-settings').filter({ hasText: 'Times in Europe/Paris · Excused: left out' }).waitFor();
  });

  it('shows in People how many passkeys each person has, and keeps it right as passkeys are added and removed', async () => {
    klass = await seatClass(sys, 1);
    const student = klass.cls.students[0]!;
    await admin.getByRole('tab', { name: 'People' }).click();
    const search = admin.getByLabel('Search by name or email');
    const row = admin.getByTestId('people-list').getByRole('listitem').filter({ hasText: student.email });
    /** Reads the list again (a new search), as an admin coming back to it would. */
    const reread = async () => {
      await search.fill('Morgan');
      await admin.getByTestId('people-list').getByText('Morgan Admin').waitFor();
      await search.fill(student.email);
      await row.waitFor();
    };
    await reread();
    await row.getByTestId('passkey-badge').filter({ hasText: /^1 passkey$/ }).waitFor();
    await expect(row.getByTestId('passkey-pending').count()).resolves.toBe(0);
    // The same on a 360 px phone in English: the badges wrap, nothing runs off the side.
    const phone = await openPhone(browser, sys.origin, 'admin-phone-en', campus, 'en-GB');
    await signInPage(phone.page, sys.origin, DemoAdmin.email, DemoAdmin.password);
    await phone.page.getByLabel('Search by name or email').fill(student.email);
    await phone.page.getByTestId('people-list').getByRole('listitem').filter({ hasText: student.email }).getByTestId('passkey-badge').filter({ hasText: /^1 passkey$/ }).waitFor();
    await snap(phone.page, 'admin-phone-en-people-passkeys');
    await expect(phone.page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await phone.page.getByRole('tab', { name: 'Courses' }).click();
    await phone.page.getByRole('button', { name: 'Edit BIO210' }).click();
    await phone.page.getByLabel('Time zone').waitFor();
    await snap(phone.page, 'admin-phone-en-course-settings');
    await expect(phone.page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await phone.context.close();
    // The demo admin has none: "No passkey", not a bare "Password" badge.
    await search.fill('Morgan');
    await admin.getByTestId('people-list').getByRole('listitem').filter({ hasText: 'Morgan Admin' }).getByTestId('passkey-badge').filter({ hasText: 'No passkey' }).waitFor();
    await snap(admin, 'admin-people-passkeys');

    // A second phone: it waits for a teacher's approval (NEW_DEVICE_POLICY=approval).
    await klass.students[0]!.registerPasskey('Second phone');
    await reread();
    await row.getByTestId('passkey-pending').filter({ hasText: '1 waiting for approval' }).waitFor();
    await row.getByTestId('passkey-badge').filter({ hasText: /^1 passkey$/ }).waitFor();
    // Both removed by the student: the list says so at the next reading.
    const { passkeys } = await requestOk(klass.students[0]!.socket, ClientEvents.passkeyList, {});
    for (const p of passkeys) await requestOk(klass.students[0]!.socket, ClientEvents.passkeyRemove, { credentialId: p.credentialId });
    await reread();
    await row.getByTestId('passkey-badge').filter({ hasText: 'No passkey' }).waitFor();
    await expect(row.getByTestId('passkey-pending').count()).resolves.toBe(0);
    await search.fill('');
  });

  it('works on a 360 px phone in French', async () => {
    const phone = await openPhone(browser, sys.origin, 'admin-phone', campus, 'fr-FR');
    await signInPage(phone.page, sys.origin, DemoAdmin.email, DemoAdmin.password);
    const page = phone.page;
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await snap(page, 'admin-phone-fr-people');
    // Passkeys in French: the demo admin has none.
    await page.getByLabel('Rechercher par nom ou e-mail').fill('Morgan');
    await page.getByTestId('people-list').getByRole('listitem').filter({ hasText: 'Morgan Admin' }).getByTestId('passkey-badge').filter({ hasText: 'Aucune clé d’accès' }).waitFor();
    await snap(page, 'admin-phone-fr-people-passkeys');
    // The app's own words for a refused field, in French whatever the browser would have said.
    const add = page.getByRole('form', { name: 'Ajouter une personne' });
    await add.getByRole('button', { name: 'Créer le compte' }).click();
    await add.getByText('Remplissez ce champ.').first().waitFor();
    await snap(page, 'admin-phone-fr-field-problems');
    // Disabling and erasing sit apart from Save, in danger colours.
    await page.getByLabel('Rechercher par nom ou e-mail').fill('rosalind');
    await page.getByRole('button', { name: `Modifier ${teacher.name}` }).click();
    await page.getByRole('button', { name: 'Désactiver le compte' }).waitFor();
    await snap(page, 'admin-phone-fr-person-danger-zone');
    await page.getByRole('tab', { name: 'Cours' }).click();
    await page.getByTestId('course-BIO210').waitFor();
    await snap(page, 'admin-phone-fr-courses');
    await page.getByRole('button', { name: 'Modifier BIO210' }).click();
    await page.getByRole('list', { name: 'Enseignant·es de BIO210' }).getByText(teacher.name).waitFor();
    await page.getByTestId('teacher-matches').getByText('Ada Lovelace').waitFor();
    await snap(page, 'admin-phone-fr-course-teachers');
    // The course's settings, in French, fit the phone.
    await expect(page.getByLabel('Fuseau horaire').inputValue()).resolves.toBe('Europe/Paris');
    await page.getByLabel('Fuseau horaire').fill('Lune/Tranquillité');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Choisissez un fuseau horaire de la liste, comme Europe/Paris.').waitFor();
    await page.getByLabel('Fuseau horaire').scrollIntoViewIfNeeded();
    await snap(page, 'admin-phone-fr-course-settings');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await page.getByLabel('Fuseau horaire').fill('Europe/Paris');
    await page.getByRole('tab', { name: 'Journal d’audit' }).click();
    // The entries read in French too, with the names they were recorded with.
    await page.getByTestId('audit-list').getByText('A désigné les enseignant·es de BIO210 : Rosalind Franklin.').waitFor();
    await snap(page, 'admin-phone-fr-audit');
    // Nothing runs off the side of a 360 px screen.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await phone.context.close();
  });

  it('keeps the sections in one row of tabs: all in view on a 1280 px laptop in English and French, scrolling sideways on a 360 px phone', async () => {
    /** How many rows the tabs make, whether the row must scroll to show them all, and the page's width. */
    const tabRow = (page: Page) =>
      page.evaluate(() => {
        const list = document.querySelector('[role=tablist]')!;
        const tops = [...list.querySelectorAll('[role=tab]')].map((tab) => Math.round(tab.getBoundingClientRect().top));
        return { tabs: tops.length, rows: new Set(tops).size, scrolls: list.scrollWidth > list.clientWidth, pageWidth: document.documentElement.scrollWidth };
      });
    await admin.getByRole('tab', { name: 'People' }).click();
    expect(await tabRow(admin)).toMatchObject({ tabs: 9, rows: 1, scrolls: false });
    expect((await tabRow(admin)).pageWidth).toBeLessThanOrEqual(1280);

    const french = await openLaptop(browser, sys.origin, campus, 'fr-FR');
    await signInPage(french, sys.origin, DemoAdmin.email, DemoAdmin.password);
    await french.getByRole('heading', { name: 'Administration' }).waitFor();
    expect(await tabRow(french)).toMatchObject({ tabs: 9, rows: 1, scrolls: false });
    expect((await tabRow(french)).pageWidth).toBeLessThanOrEqual(1280);
    await snap(french, 'admin-laptop-fr-tabs');
    await french.context().close();

    const phone = await openPhone(browser, sys.origin, 'admin-phone-tabs', campus, 'fr-FR');
    await signInPage(phone.page, sys.origin, DemoAdmin.email, DemoAdmin.password);
    await phone.page.getByRole('heading', { name: 'Administration' }).waitFor();
    expect(await tabRow(phone.page)).toMatchObject({ tabs: 9, rows: 1, scrolls: true });
    expect((await tabRow(phone.page)).pageWidth).toBeLessThanOrEqual(360);
    // The last section is reached from the keyboard (End), and its tab scrolls into view.
    await phone.page.getByRole('tab', { name: 'Personnes' }).focus();
    await phone.page.keyboard.press('End');
    const last = phone.page.getByRole('tab').last();
    await expect(last.getAttribute('aria-selected')).resolves.toBe('true');
    const box = (await last.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await snap(phone.page, 'admin-phone-fr-tabs-end');
    await phone.context.close();
  });
});
