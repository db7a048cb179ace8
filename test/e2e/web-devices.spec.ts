/**
 * Device binding in a real browser (Debian's Chromium through playwright-core) against the five
 * services: a student sets up a passkey on their phone, adds a second device in another browser
 * context with its own virtual authenticator (it waits for approval), the course teacher approves
 * it in the "Devices waiting for approval" panel, the second device checks in, the student removes
 * the first passkey with a confirmation, downloads their records; the teacher downloads the report
 * as a spreadsheet. Every screen is saved to test-artifacts/screenshots/ and checked with axe-core.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import { launchChromium, offsetNorth, openLaptop, openPhone, signInPage, stopFromRoster, snapScreen, startTestSystem, type ClassFixture, type Phone, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 45.764, longitude: 4.8357, accuracy: 12 };

describe('device binding in the web client', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let phone: Phone;
  let second: Phone;
  let teacher: Page;
  const student = () => cls.students[0]!;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('binds the first passkey on the phone at once', async () => {
    phone = await openPhone(browser, sys.origin, 'phone', room);
    await signInPage(phone.page, sys.origin, student().email, student().password);
    await phone.page.getByRole('button', { name: 'Set up my passkey' }).click();
    await phone.page.getByText('No class is taking attendance').waitFor();
    await phone.page.getByRole('button', { name: 'My passkeys' }).click();
    await phone.page.getByTestId('passkey').filter({ hasText: 'Approved' }).waitFor();
    await snap(phone.page, 'devices-01-phone-passkeys');
  });

  it('adds a second device in another browser: it waits for the teacher’s approval', async () => {
    second = await openPhone(browser, sys.origin, 'second', offsetNorth(room, 5, 12));
    await signInPage(second.page, sys.origin, student().email, student().password);
    await second.page.getByRole('button', { name: 'My passkeys' }).click();
    await second.page.getByRole('button', { name: 'Add this device' }).click();
    await second.page.getByTestId('passkeys-notice').filter({ hasText: 'waiting for your teacher’s approval' }).waitFor();
    await expect(second.page.getByTestId('passkey').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).resolves.toEqual(['approved', 'pending']);
    await snap(second.page, 'devices-02-second-device-waiting');
  });

  it('shows the teacher the device waiting, and approving it reaches the student’s screen live', async () => {
    teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    const panel = teacher.getByTestId('pending-devices');
    await panel.getByRole('heading', { name: 'Devices waiting for approval (1)' }).waitFor();
    await panel.getByText(student().name).waitFor();
    await panel.getByText(cls.courseCode).waitFor();
    await snap(teacher, 'devices-03-teacher-approvals');

    await panel.getByRole('button', { name: `Approve ${student().name}’s device “Chrome on Linux”` }).click();
    await panel.waitFor({ state: 'detached' });
    // The list has gone, but the teacher is told what their click did.
    await teacher.getByTestId('devices-done').filter({ hasText: `Approved: Chrome on Linux of ${student().name}.` }).waitFor();
    await second.page.getByTestId('passkeys-notice').filter({ hasText: 'Your teacher approved your new device' }).waitFor();
    await expect(second.page.getByTestId('passkey').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).resolves.toEqual(['approved', 'approved']);
    await snap(second.page, 'devices-04-second-device-approved');
  });

  it('lets the approved second device check in; the teacher downloads the report as a spreadsheet', async () => {
    await second.page.getByRole('button', { name: 'Back' }).click();
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    await second.page.getByRole('button', { name: /^Check in to / }).click();
    const result = second.page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 30_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');

    await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: '1' }).waitFor();
    await stopFromRoster(teacher);
    await teacher.getByTestId('report').waitFor();
    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Download spreadsheet' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^attendance-.+\.xlsx$/);
    const file = readFileSync((await download.path())!);
    expect(file.subarray(0, 2).toString()).toBe('PK');
    await snap(teacher, 'devices-05-report-with-spreadsheet');
  });

  it('removes the first passkey after a confirmation, and the history stays; the student downloads their records', async () => {
    await second.page.reload();
    await second.page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor();
    await second.page.getByRole('button', { name: 'My passkeys' }).click();
    await second.page.getByRole('button', { name: 'Remove the passkey “Chrome on Linux”' }).first().click();
    const confirm = second.page.getByRole('alertdialog');
    await confirm.getByText('Your attendance history stays.').waitFor();
    await snap(second.page, 'devices-06-remove-confirmation');
    await confirm.getByRole('button', { name: 'Yes, remove it' }).click();
    await second.page.getByTestId('passkeys-notice').filter({ hasText: 'Your attendance history is unchanged.' }).waitFor();
    await second.page.getByTestId('passkey').nth(1).waitFor({ state: 'detached' });
    await expect(second.page.getByTestId('passkey').getAttribute('data-status')).resolves.toBe('approved');

    await second.page.getByRole('button', { name: 'Back' }).click();
    await second.page.getByRole('button', { name: 'See my attendance' }).click();
    await second.page.getByTestId('my-course-history').getByText('Present').waitFor();
    const records = second.page.getByTestId('records-download');
    const [download] = await Promise.all([second.page.waitForEvent('download'), records.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^attendance-records-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${cls.courseCode},`);
    expect(lines[1]).toContain(',present,');
    await snap(second.page, 'devices-07-history-with-records');
  });
});
