/**
 * Reopening a session stopped by mistake, in a real browser against the five services: a teacher
 * on a laptop (English) and the same teacher's second screen on a 360 px phone in French; two
 * students on phones. One student checks in, the teacher stops, the report offers "Reopen" with
 * the minutes left, the teacher reopens and lands on the live view (the other screen follows), the
 * second student checks in, and the report after the second Stop counts both. Past the reopen window
 * the offer is gone and the server refuses. The window is 45 s here (REOPEN_WINDOW_SECONDS) so its
 * end comes within the spec. Every screen is saved to test-artifacts/screenshots/ and axe-checked.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, ErrorCode, type Position } from '@classconnect/contracts';
import {
  connectSocket,
  launchChromium,
  offsetNorth,
  openLaptop,
  openPhone,
  request,
  requestOk,
  signInPage,
  snapScreen,
  startTestSystem,
  stopFromRoster,
  type ClassFixture,
  type Phone,
  type TestSystem,
  waitFor,
} from '@classconnect/testing';
import type { Socket } from 'socket.io-client';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const room: Position = { latitude: 50.6292, longitude: 3.0573, accuracy: 10 };
const WindowSeconds = 45;

async function noOverflow(page: Page, screen: string): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
  expect({ screen, ...widths }).toEqual({ screen, page: widths.view, view: widths.view });
}

describe('reopening a stopped session in the web client', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacherSocket: Socket;
  let adminSocket: Socket;
  let teacher: Page;
  let teacherFr: Page;
  let early: Phone;
  let late: Phone;
  let sessionId: string;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }
  const presentCount = (page: Page) => page.getByTestId('count-present').locator('.tile-value');

  async function checkIn(phone: Phone): Promise<void> {
    await phone.page.getByTestId('checkin-card').waitFor({ timeout: 20_000 });
    await phone.page.getByRole('button', { name: /^Check in to / }).click();
    const result = phone.page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
  }

  beforeAll(async () => {
    sys = await startTestSystem({ env: { REOPEN_WINDOW_SECONDS: String(WindowSeconds) } });
    cls = await sys.createClass(3);
    teacherSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    await seedDemoAdmin(sys);
    adminSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    browser = await launchChromium();
    early = await openPhone(browser, sys.origin, 'early', offsetNorth(room, 10));
    late = await openPhone(browser, sys.origin, 'late', offsetNorth(room, 15));
    for (const [i, phone] of [early, late].entries()) {
      await signInPage(phone.page, sys.origin, cls.students[i]!.email, cls.students[i]!.password);
      await phone.page.getByRole('button', { name: 'Set up my passkey' }).click();
      await phone.page.getByText('No class is taking attendance').waitFor();
    }
  });

  afterAll(async () => {
    teacherSocket?.close();
    adminSocket?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('offers Reopen with the minutes left on the report after Stop, in English and in French at 360 px', async () => {
    teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    sessionId = (await requestOk(teacherSocket, ClientEvents.sessionsActive, {})).sessions[0]!.sessionId;
    // The same teacher's second screen, a phone in French: it opens on the live session.
    teacherFr = await openLaptop(browser, sys.origin, room, 'fr-FR');
    await teacherFr.setViewportSize({ width: 360, height: 760 });
    await signInPage(teacherFr, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacherFr.getByTestId('live-bar').waitFor();

    await checkIn(early);
    await presentCount(teacher).filter({ hasText: /^1$/ }).waitFor();
    await stopFromRoster(teacher);
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    await teacher.waitForFunction(() => document.activeElement?.id === 'report-title');
    const offer = teacher.getByTestId('reopen-panel');
    await offer.getByText('Stopped by mistake?').waitFor();
    await expect(offer.getByTestId('reopen-left').textContent()).resolves.toBe('1 minute left to reopen it');
    await snap(teacher, 'reopen-01-report-offer');

    // The French screen followed the Stop to the report, and offers the same.
    await teacherFr.getByTestId('reopen-panel').getByText('Encore 1 minute pour le rouvrir').waitFor({ timeout: 20_000 });
    await teacherFr.getByRole('button', { name: 'Rouvrir' }).waitFor();
    await noOverflow(teacherFr, 'report with Reopen at 360 px');
    await snap(teacherFr, 'reopen-02-report-offer-fr-360px');
    await expect(request(teacherSocket, ClientEvents.reportGet, { sessionId })).resolves.toMatchObject({ ok: true, data: { presentCount: 1 } });
  });

  it('reopens: both screens go back to the live view, the focus on its title, and a student checks in after the reopening', async () => {
    await teacher.getByRole('button', { name: 'Reopen' }).click();
    await teacher.getByText('Attendance is open').waitFor();
    await teacher.waitForFunction(() => document.activeElement?.id === 'live-title');
    await presentCount(teacher).filter({ hasText: /^1$/ }).waitFor();
    // The colleague's (here: the same teacher's other) screen heard session:reopened.
    await teacherFr.getByTestId('live-bar').waitFor({ timeout: 20_000 });
    const view = (await requestOk(teacherSocket, ClientEvents.sessionGet, { sessionId }));
    expect(view).toMatchObject({ status: 'open', reopenCount: 1 });
    // While it is live again there is no report.
    await expect(request(teacherSocket, ClientEvents.reportGet, { sessionId })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.REPORT_NOT_READY } });
    await snap(teacher, 'reopen-03-live-again');
    // The audit log records who reopened it.
    const entry = await waitFor(async () => {
      const { entries } = await requestOk(adminSocket, ClientEvents.auditList, { action: 'attendance.session.reopened.v1', targetId: sessionId, limit: 5 });
      return entries[0];
    }, 'the audit entry of the reopening');
    expect(entry).toMatchObject({ actorId: cls.teacher.id, targetType: 'session', targetId: sessionId, summary: `Reopened the session of ${cls.courseCode} after Stop (reopening 1).` });

    await checkIn(late);
    await presentCount(teacher).filter({ hasText: /^2$/ }).waitFor();
    // The third student set absent by hand: a count of its own, no longer "not yet".
    await requestOk(teacherSocket, ClientEvents.attendanceMark, { sessionId, targetStudentId: cls.students[2]!.id, status: 'absent', reason: 'Left for the day' });
    await teacher.getByTestId('count-marked-absent').locator('.tile-value').filter({ hasText: /^1$/ }).waitFor();
    await expect(teacher.getByTestId('count-absent').locator('.tile-value').textContent()).resolves.toBe('0');
    await expect(teacher.locator(`[data-testid=roster] li[data-student="${cls.students[2]!.id}"]`).getAttribute('data-kind')).resolves.toBe('absent');
    await presentCount(teacherFr).filter({ hasText: /^2$/ }).waitFor();
    await snap(late.page, 'reopen-04-student-checked-in-after-reopen-360px');
    await snap(teacherFr, 'reopen-05-live-again-fr-360px');
  });

  it('counts the student who checked in after the reopening in the report of the second Stop', async () => {
    await stopFromRoster(teacher);
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    const row = (i: number) => teacher.locator(`[data-testid=report] tr[data-student="${cls.students[i]!.id}"]`);
    await expect(row(0).getAttribute('class')).resolves.toBe('status-present');
    await row(1).and(teacher.locator('.status-present')).waitFor({ timeout: 20_000 });
    await expect(row(2).getAttribute('class')).resolves.toBe('status-absent');
    const report = await requestOk(teacherSocket, ClientEvents.reportGet, { sessionId });
    expect(report).toMatchObject({ presentCount: 2, absentCount: 1 });
    expect(report.rows.filter((r) => r.status === 'present').map((r) => r.studentId).sort()).toEqual([cls.students[0]!.id, cls.students[1]!.id].sort());
    await teacher.getByTestId('reopen-panel').waitFor();
    await snap(teacher, 'reopen-06-report-after-second-stop');
  });

  it('takes the offer away when the window has passed, and the server refuses a reopening with a clear error', async () => {
    // The offer is redrawn every 10 s: it goes within the window and that.
    await teacher.getByTestId('reopen-panel').waitFor({ state: 'detached', timeout: (WindowSeconds + 20) * 1000 });
    const refused = await request(teacherSocket, ClientEvents.sessionReopen, { sessionId });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.REOPEN_WINDOW_PASSED } });
    expect(!refused.ok && refused.error.message).toMatch(`more than ${WindowSeconds} seconds ago, so it can no longer be reopened`);
    expect((await requestOk(teacherSocket, ClientEvents.sessionGet, { sessionId })).status).toBe('closed');
    await snap(teacher, 'reopen-07-report-window-passed');
  }, 120_000);
});
