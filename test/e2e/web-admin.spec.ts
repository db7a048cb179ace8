/**
 * The administrator's console in a real browser against the five services: an admin signs in,
 * creates a teacher account and a course, assigns the teacher, and reads the audit log of it;
 * the new teacher then signs in and finds the course. On a laptop in English and on a 360 px
 * phone in French; every screen is saved to test-artifacts/screenshots/ and checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import { launchChromium, openLaptop, openPhone, signInPage, snapScreen, startTestSystem, type TestSystem } from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const campus: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 15 };
const teacher = { name: 'Rosalind Franklin', email: 'rosalind.franklin@uni.test', password: 'helix-1953-pass' };

describe('the admin console in the web client', () => {
  let sys: TestSystem;
  let browser: Browser;
  let admin: Page;

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
    await edit.getByRole('checkbox', { name: teacher.name }).check();
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

  it('works on a 360 px phone in French', async () => {
    const phone = await openPhone(browser, sys.origin, 'admin-phone', campus, 'fr-FR');
    await signInPage(phone.page, sys.origin, DemoAdmin.email, DemoAdmin.password);
    const page = phone.page;
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await snap(page, 'admin-phone-fr-people');
    await page.getByRole('tab', { name: 'Cours' }).click();
    await page.getByTestId('course-BIO210').waitFor();
    await snap(page, 'admin-phone-fr-courses');
    await page.getByRole('tab', { name: 'Journal d’audit' }).click();
    // The entries read in French too, with the names they were recorded with.
    await page.getByTestId('audit-list').getByText('A désigné les enseignant·es de BIO210 : Rosalind Franklin.').waitFor();
    await snap(page, 'admin-phone-fr-audit');
    // Nothing runs off the side of a 360 px screen.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await phone.context.close();
  });
});
