/**
 * The whole flow with the keyboard alone, in Chromium: a teacher and a student sign in, set up a
 * passkey, start, check in, stop and download the report without touching a mouse, and every
 * control they reach shows where the focus is.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import { launchChromium, offsetNorth, openLaptop, openPhone, snapAccessible, startTestSystem, type ClassFixture, type Phone, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 10 };

interface Focused {
  tag: string;
  name: string;
  outline: string;
}

/** What has the focus now: its tag, its accessible name (roughly: label, aria-label or text) and its outline. */
async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', name: '', outline: '' };
    const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
    const name = el.getAttribute('aria-label') ?? labelled ?? el.closest('label')?.textContent ?? el.textContent ?? '';
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), name: name.trim(), outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
}

/**
 * Presses Tab until the control whose name matches has the focus (at most `max` presses), and
 * checks the focus can be seen: a keyboard user must know where they are.
 */
async function tabTo(page: Page, name: RegExp, max = 30): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    seen.push(`${now.tag}:${now.name.slice(0, 40)}`);
    if (name.test(now.name)) {
      expect({ control: now.name, outline: now.outline }).toEqual({ control: now.name, outline: expect.stringMatching(/^(solid|auto|dashed|dotted|double) ([2-9]|\d{2,})/) });
      return;
    }
  }
  throw new Error(`no control named ${name} reached with Tab; focus went through: ${seen.join(' → ')}`);
}

async function signInWithKeyboard(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(origin);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await tabTo(page, /email/i);
  await page.keyboard.type(email);
  await tabTo(page, /password/i);
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor();
}

describe('keyboard only, in Chromium', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacher: Page;
  let student: Phone;

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    browser = await launchChromium();
    teacher = await openLaptop(browser, sys.origin, room);
    student = await openPhone(browser, sys.origin, 'keyboard-student', offsetNorth(room, 15));
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('a student signs in and sets up a passkey', async () => {
    const page = student.page;
    await signInWithKeyboard(page, sys.origin, cls.students[0]!.email, cls.students[0]!.password);
    await tabTo(page, /Set up my passkey/);
    await page.keyboard.press('Enter');
    await page.getByText(/No class is taking attendance/).waitFor();
  });

  it('a teacher signs in and starts attendance', async () => {
    await signInWithKeyboard(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacher.getByRole('heading', { name: 'Your courses' }).waitFor();
    await tabTo(teacher, /^Start attendance for /);
    await teacher.keyboard.press('Enter');
    await teacher.getByText('Attendance is open').waitFor();
    // Focus lands on the session's title, not on the page body.
    await teacher.waitForFunction(() => document.activeElement?.id === 'live-title');
    await snapAccessible(teacher, 'keyboard-01-teacher-live');
  });

  it('the student checks in', async () => {
    const page = student.page;
    await page.getByTestId('checkin-card').waitFor();
    await tabTo(page, /^Check in to /);
    await page.keyboard.press('Enter');
    const result = page.getByTestId('checkin-result');
    await result.waitFor();
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: '1' }).waitFor();
  });

  it('the teacher stops, reads the report and downloads it', async () => {
    await tabTo(teacher, /^Stop and get the report$/);
    await teacher.keyboard.press('Enter');
    // Stop asks first, with the safe answer focused: a second Enter keeps the session open.
    await teacher.getByTestId('stop-confirm').getByText(/^1 of \d+ checked in/).waitFor();
    await expect(teacher.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Keep it open');
    await teacher.keyboard.press('Enter');
    await expect(teacher.getByTestId('stop-confirm').count()).resolves.toBe(0);
    // Focus goes back to Stop once the dialog has gone (the next frame): wait for it, at most 5 s.
    await teacher.waitForFunction(() => document.activeElement?.textContent === 'Stop and get the report', null, { timeout: 5_000 });
    await teacher.keyboard.press('Enter');
    await tabTo(teacher, /^Yes, stop$/);
    await teacher.keyboard.press('Enter');
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    await teacher.waitForFunction(() => document.activeElement?.id === 'report-title');
    await tabTo(teacher, /^Download CSV$/, 60);
    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await snapAccessible(teacher, 'keyboard-02-teacher-report');
  });
});
