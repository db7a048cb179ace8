/**
 * The lecture hall in a real browser: a teacher with 300 students on a laptop and on a 360 px
 * phone. The roster puts refused, needs-retry and not-yet first, counts every status (a status set
 * by hand has its own), filters by each count, finds a student by name or email, keeps the counts
 * and Stop in view while scrolling, shows the QR mode, asks before Stop, and puts the focus on the
 * title after Start and Stop. A class of 1,000 measures how long the roster takes to draw.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, type Position } from '@classconnect/contracts';
import {
  StudentClient,
  connectSocket,
  launchChromium,
  offsetNorth,
  openLaptop,
  requestOk,
  signInPage,
  snapScreen,
  startTestSystem,
  type ClassFixture,
  type TestSystem,
} from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const hall: Position = { latitude: 45.7597, longitude: 4.8422, accuracy: 10 };

async function noOverflow(page: Page, screen: string): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
  expect({ screen, ...widths }).toEqual({ screen, page: widths.view, view: widths.view });
}

describe('the live roster for a lecture hall', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacherSocket: Socket;
  let teacher: Page;
  const students: StudentClient[] = [];
  let sessionId: string;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }
  const count = (kind: string) => teacher.getByTestId(`count-${kind}`).locator('.tile-value');

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(300);
    teacherSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    // Twelve students with a phone at hand; the rest never open the app.
    for (const s of cls.students.slice(0, 12)) students.push(await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password)));
    await Promise.all(students.map((s) => s.registerPasskey()));
    browser = await launchChromium();
  });

  afterAll(async () => {
    students.forEach((s) => s.close());
    teacherSocket?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('starts with the QR mode in the header and the focus on the session’s title', async () => {
    teacher = await openLaptop(browser, sys.origin, hall);
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacher.getByLabel('QR code on your screen').selectOption('offered');
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    await teacher.waitForFunction(() => document.activeElement?.id === 'live-title');
    await expect(teacher.getByTestId('live-qr-mode').textContent()).resolves.toBe('QR code offered');
    await teacher.getByRole('heading', { name: 'Students (300)' }).waitFor();
    await expect(count('absent').textContent()).resolves.toBe('300');
    sessionId = (await requestOk(teacherSocket, ClientEvents.sessionsActive, {})).sessions[0]!.sessionId;
  });

  it('puts refused and needs-retry first, counts each status, and a hand-set excused is its own', async () => {
    await Promise.all(students.slice(0, 8).map((s) => s.opened.waitFor((o) => o.sessionId === sessionId)));
    // Eight inside, two 600 m away, one with a code that is not the room's (needs retry), one excused by hand.
    const results = await Promise.all([
      ...students.slice(0, 8).map((s, i) => s.checkIn(sessionId, offsetNorth(hall, 5 + i))),
      ...students.slice(8, 10).map((s) => s.checkIn(sessionId, offsetNorth(hall, 600))),
      students[10]!.checkIn(sessionId, offsetNorth(hall, 5), { qr: 'ABCDEF' }),
    ]);
    expect(results.map((r) => r.reason ?? r.verdict)).toEqual([...Array(8).fill('accepted'), 'OUTSIDE_GEOFENCE', 'OUTSIDE_GEOFENCE', 'QR_INVALID']);
    await requestOk(teacherSocket, ClientEvents.attendanceMark, { sessionId, targetStudentId: cls.students[11]!.id, status: 'excused', reason: 'Doctor’s note' });

    await count('present').filter({ hasText: /^8$/ }).waitFor();
    await count('rejected').filter({ hasText: /^2$/ }).waitFor();
    await count('retry').filter({ hasText: /^1$/ }).waitFor();
    await count('excused').filter({ hasText: /^1$/ }).waitFor();
    await expect(count('absent').textContent()).resolves.toBe('288');
    const kinds = await teacher.locator('[data-testid=roster] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds.slice(0, 4)).toEqual(['refused', 'refused', 'retry', 'waiting']);
    expect(kinds.slice(-9)).toEqual([...Array(8).fill('present'), 'excused']);
    const retry = teacher.locator('[data-testid=roster] li[data-kind=retry]');
    await expect(retry.textContent()).resolves.toMatch(/Needs retry: /);
    // The excused student shows Excused as the row's status, not "Not checked in".
    const excused = teacher.locator(`[data-testid=roster] li[data-student="${cls.students[11]!.id}"]`);
    await expect(excused.textContent()).resolves.toMatch(/Excused.*Set by hand: “Doctor’s note”/);
    await expect(excused.textContent()).resolves.not.toMatch(/Not checked in/);
    await snap(teacher, 'lecture-01-roster-300');

    // The projector view: the QR code with the live count of who is in.
    await teacher.getByRole('button', { name: 'Show QR code' }).click();
    await teacher.getByTestId('qr-present').filter({ hasText: '8 of 300 checked in' }).waitFor();
    await snap(teacher, 'lecture-01b-projector');
    await teacher.keyboard.press('Escape');
    await teacher.getByTestId('qr-screen').waitFor({ state: 'detached' });
  });

  it('filters by a count and searches by name or email', async () => {
    const rows = teacher.locator('[data-testid=roster] li');
    await teacher.getByTestId('count-rejected').click();
    await expect(teacher.getByTestId('count-rejected').getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(rows.count()).resolves.toBe(2);
    await teacher.getByTestId('roster-shown').filter({ hasText: '2 of 300 shown' }).waitFor();
    await teacher.getByTestId('count-rejected').click();
    await rows.nth(299).waitFor();
    await expect(rows.count()).resolves.toBe(300);

    const someone = cls.students[150]!;
    await teacher.getByTestId('roster-search').fill(someone.email.toUpperCase());
    await teacher.getByTestId('roster-shown').filter({ hasText: '1 of 300 shown' }).waitFor();
    await expect(rows.first().getAttribute('data-student')).resolves.toBe(someone.id);
    await teacher.getByTestId('roster-search').fill(someone.name);
    await expect(rows.evaluateAll((list) => list.map((r) => r.getAttribute('data-student')))).resolves.toContain(someone.id);
    await teacher.getByTestId('roster-search').fill('nobody-by-this-name');
    await teacher.getByTestId('roster-shown').filter({ hasText: 'No student matches.' }).waitFor();
    await snap(teacher, 'lecture-02-search-empty');
    await teacher.getByTestId('roster-search').fill('');
    await rows.nth(299).waitFor();
    await expect(rows.count()).resolves.toBe(300);
  });

  it('keeps the counts and Stop in view at the bottom of 300 rows, on a laptop and at 360 px', async () => {
    for (const [width, height] of [[1280, 800], [360, 760]] as const) {
      await teacher.setViewportSize({ width, height });
      await teacher.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await teacher.waitForTimeout(200);
      const bar = await teacher.getByTestId('live-bar').boundingBox();
      const stop = await teacher.getByRole('button', { name: 'Stop and get the report' }).boundingBox();
      expect({ width, barTop: Math.round(bar!.y) }).toEqual({ width, barTop: 0 });
      expect(stop!.y + stop!.height).toBeLessThanOrEqual(height);
      await noOverflow(teacher, `live roster at ${width} px`);
      await snap(teacher, `lecture-03-scrolled-${width}px`);
    }
    await teacher.evaluate(() => window.scrollTo(0, 0));
    await snap(teacher, 'lecture-04-roster-360px');
    await teacher.setViewportSize({ width: 1280, height: 800 });
  });

  it('asks before Stop, with the counts; Escape keeps the session open; the report gets the focus and says the date', async () => {
    await teacher.getByRole('button', { name: 'Stop and get the report' }).click();
    const confirm = teacher.getByTestId('stop-confirm');
    await confirm.getByText('8 of 300 checked in, 288 not yet, 3 refused or to retry. Nobody can check in after this.').waitFor();
    await snap(teacher, 'lecture-05-stop-confirm');
    await teacher.keyboard.press('Escape');
    await expect(confirm.count()).resolves.toBe(0);
    expect((await requestOk(teacherSocket, ClientEvents.sessionsActive, {})).sessions.map((s) => s.sessionId)).toEqual([sessionId]);

    await teacher.getByRole('button', { name: 'Stop and get the report' }).click();
    await confirm.getByRole('button', { name: 'Yes, stop' }).click();
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    await teacher.waitForFunction(() => document.activeElement?.id === 'report-title');
    const when = await teacher.getByTestId('report-when').textContent();
    const today = new Date().toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
    expect(when).toMatch(new RegExp(`^${today} · \\d\\d:\\d\\d – \\d\\d:\\d\\d$`));
    // Back is at the top, before the table.
    const back = await teacher.getByRole('button', { name: 'Back to my courses' }).boundingBox();
    const table = await teacher.getByTestId('report').boundingBox();
    expect(back!.y).toBeLessThan(table!.y);
    await teacher.context().close();
  });

  it('draws a roster of 1,000 students, and switches a filter back to all 1,000 quickly', async () => {
    const big = await sys.createClass(1000);
    const page = await openLaptop(browser, sys.origin, hall);
    await signInPage(page, sys.origin, big.teacher.email, big.teacher.password);
    const t0 = Date.now();
    await page.getByRole('button', { name: /^Start attendance for / }).click();
    await page.getByRole('heading', { name: 'Students (1000)' }).waitFor();
    await page.locator('[data-testid=roster] li').nth(999).waitFor({ state: 'attached' });
    const startToRows = Date.now() - t0;
    // In the page: from the click on "All" (with a filter showing none) to the frame after 1,000 rows are in the DOM.
    await page.getByTestId('count-rejected').click();
    await page.getByTestId('roster-shown').filter({ hasText: 'No student matches.' }).waitFor();
    const renderMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const list = document.querySelector('[data-testid=roster]')!;
          const t = performance.now();
          const observer = new MutationObserver(() => {
            if (list.children.length === 1000) {
              observer.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - t));
            }
          });
          observer.observe(list, { childList: true });
          (document.querySelector('[data-testid=count-all]') as HTMLButtonElement).click();
        }),
    );
    console.log(`roster of 1,000: Start → rows ${startToRows} ms; filter → all 1,000 rows drawn ${Math.round(renderMs)} ms`);
    expect(await page.locator('[data-testid=roster] li').count()).toBe(1000);
    await page.context().close();
  });
});
