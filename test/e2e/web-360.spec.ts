/**
 * Every screen at 360 px, in English and French: nothing wider than the phone (no sideways scroll
 * of the page), no serious axe violation, a screenshot of each. The admin console (every tab), the
 * teacher's courses, history and report, and the student's home and history.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, type Position } from '@classconnect/contracts';
import { fillSignIn, launchChromium, offsetNorth, requestOk, seatClass, snapScreen, startTestSystem, watchCspViolations, type Classroom, type TestSystem } from '@classconnect/testing';

const run = promisify(execFile);
const here: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 10 };

describe('every screen at 360 px', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;

  async function phonePage(locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 360, height: 760 }, isMobile: true, hasTouch: true, locale, geolocation: here, permissions: ['geolocation'] });
    await watchCspViolations(context); // every screen, under the gateway's Content-Security-Policy
    const page = await context.newPage();
    // A word whose table was not loaded with its screen shows as its key; i18n.ts says so on the console.
    const missing: string[] = [];
    missingWords.set(page, missing);
    page.on('console', (m) => m.type() === 'error' && m.text().includes('is not loaded') && missing.push(m.text()));
    return page;
  }

  /** Per page: the words it showed before their table had come (none, on every screen). */
  const missingWords = new Map<Page, string[]>();

  /** The screen fits in 360 px (the page itself never scrolls sideways) and axe finds nothing serious. */
  async function check(page: Page, screen: string): Promise<void> {
    await page.waitForTimeout(150);
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
    // What sticks out, to name it when the page is too wide.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.filters, .admin-tabs, .visually-hidden'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
    );
    const serious = await snapScreen(page, `360-${screen}`);
    const missing = missingWords.get(page) ?? [];
    expect({ screen, widths, wide, serious, missing }).toEqual({ screen, widths: { page: 360, body: 360 }, wide: [], serious: [], missing: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    await run(process.execPath, [join(process.cwd(), 'dist/apps/identity-service/src/cli.js'), 'seed-demo'], { env: { ...process.env, ...sys.env } });
    klass = await seatClass(sys, 2);
    const s = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: here, radiusM: 50 });
    await klass.students[0]!.opened.waitFor((o) => o.sessionId === s.sessionId);
    await klass.students[0]!.checkIn(s.sessionId, offsetNorth(here, 5));
    await requestOk(klass.teacher, ClientEvents.attendanceMark, { sessionId: s.sessionId, targetStudentId: klass.cls.students[1]!.id, status: 'excused', reason: 'A long reason that has to wrap on a phone without pushing anything off the screen' });
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId: s.sessionId });
    browser = await launchChromium();
  });

  afterAll(async () => {
    klass?.close();
    await browser?.close();
    await sys?.stop();
  });

  for (const locale of ['en-GB', 'fr-FR']) {
    const lang = locale.slice(0, 2);
    it(`fits the admin console in ${lang}`, async () => {
      const page = await phonePage(locale);
      await page.goto(sys.origin);
      await check(page, `${lang}-sign-in`);
      await fillSignIn(page, 'admin@demo.classconnect.test', 'demo-admin-pass');
      const tabs = page.getByRole('tab');
      await tabs.first().waitFor();
      // One row of tabs (it scrolls sideways inside itself), not three.
      const boxes = await tabs.evaluateAll((list) => list.map((el) => Math.round(el.getBoundingClientRect().top)));
      expect(new Set(boxes).size).toBe(1);
      const n = await tabs.count();
      for (let i = 0; i < n; i++) {
        await tabs.nth(i).click();
        await page.waitForTimeout(300);
        await check(page, `${lang}-admin-tab-${i}`);
      }
      await page.context().close();
    });

    it(`fits the teacher's courses, history and report in ${lang}`, async () => {
      const page = await phonePage(locale);
      await page.goto(sys.origin);
      await fillSignIn(page, klass.cls.teacher.email, klass.cls.teacher.password);
      await page.locator('.course-card').first().waitFor();
      await check(page, `${lang}-teacher-courses`);
      await page.getByRole('button', { name: /^(Attendance history of|Historique des présences de) / }).click();
      await page.getByTestId('history-sessions').waitFor();
      await check(page, `${lang}-teacher-history`);
      await page.locator('[data-testid=history-sessions] tbody tr').first().getByRole('button').first().click();
      await page.getByTestId('report').waitFor();
      await check(page, `${lang}-teacher-report`);
      await page.context().close();
    });

    it(`fits the student's home and history in ${lang}`, async () => {
      const page = await phonePage(locale);
      await page.goto(sys.origin);
      await fillSignIn(page, klass.cls.students[0]!.email, klass.cls.students[0]!.password);
      await page.locator('.course-open').first().waitFor();
      // The first name is shown whole in the header.
      const first = klass.cls.students[0]!.name.split(' ')[0]!;
      await expect(page.locator('.who-first').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).resolves.toBe(true);
      await expect(page.locator('.who-first').textContent()).resolves.toBe(first);
      await check(page, `${lang}-student-home`);
      // A course card opens the student's attendance.
      await page.locator('.course-open').first().click();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await check(page, `${lang}-student-history`);
      await page.context().close();
    });
  }
});
