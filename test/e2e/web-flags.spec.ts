/**
 * Check-in flags in a real browser (Debian's Chromium through playwright-core) against the five
 * services: the teacher's live roster shows a badge as soon as a check-in is flagged, the badge
 * opens to say what it means, and the report shows the same badges after Stop. Screens are saved
 * to test-artifacts/screenshots/ and checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import { launchChromium, offsetNorth, openLaptop, seatClass, stopFromRoster, signInPage, snapScreen, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 50.6292, longitude: 3.0573, accuracy: 12 };

describe('check-in flags in the web client', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;
  let teacher: Page;
  const student = (i: number) => klass.cls.students[i]!;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    klass = await seatClass(sys, 3);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    klass?.close();
    await sys?.stop();
  });

  it('shows flag badges on the live roster, each opening to explain itself', async () => {
    teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, klass.cls.teacher.email, klass.cls.teacher.password);
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    const opened = await klass.students[0]!.opened.waitFor((s) => s.courseId === klass.cls.courseId);

    // Students 0 and 1 report exactly the same coordinates; student 2 an accuracy of 0. All accepted.
    const same = offsetNorth(room, 9, 14);
    for (const i of [0, 1]) await expect(klass.students[i]!.checkIn(opened.sessionId, same)).resolves.toMatchObject({ verdict: 'accepted' });
    await expect(klass.students[2]!.checkIn(opened.sessionId, { ...offsetNorth(room, 20), accuracy: 0 })).resolves.toMatchObject({ verdict: 'accepted' });

    const roster = teacher.getByTestId('roster');
    const rowOf = (i: number) => roster.locator('li').filter({ hasText: student(i).name });
    await rowOf(0).locator('[data-flag=IDENTICAL_POSITION]').waitFor();
    await rowOf(1).locator('[data-flag=IDENTICAL_POSITION]').waitFor();
    await rowOf(2).locator('[data-flag=ACCURACY_ZERO]').waitFor();
    // Flagged, and present all the same: the teacher decides.
    // (The flag and the roster's update arrive as separate pushes, drawn in the next frame: wait for both.)
    await roster.locator('li[data-state="present"]').filter({ hasText: student(2).name }).waitFor({ timeout: 10_000 });
    await snap(teacher, 'flags-01-live-roster');

    // A reload keeps them: the roster reads the flags found so far.
    await teacher.reload();
    await rowOf(2).locator('[data-flag=ACCURACY_ZERO]').waitFor();
    await rowOf(0).locator('[data-flag=IDENTICAL_POSITION]').waitFor();

    await rowOf(2).getByText('Accuracy 0').click();
    const help = rowOf(2).locator('.flag-help');
    await help.waitFor();
    await expect(help.textContent()).resolves.toMatch(/accuracy of exactly 0 m\..*you decide\.$/);
    await snap(teacher, 'flags-02-live-roster-explained');
  });

  it('shows the same badges in the report after Stop', async () => {
    await stopFromRoster(teacher);
    const table = teacher.getByTestId('report');
    await table.waitFor({ timeout: 30_000 });
    const rowOf = (i: number) => table.locator(`tr[data-student="${student(i).id}"]`);
    await rowOf(0).locator('[data-flag=IDENTICAL_POSITION]').waitFor();
    await rowOf(1).locator('[data-flag=IDENTICAL_POSITION]').waitFor();
    await rowOf(2).locator('[data-flag=ACCURACY_ZERO]').waitFor();
    await rowOf(0).getByText('Same position').click();
    await expect(rowOf(0).locator('.flag-help').textContent()).resolves.toMatch(/same coordinates as another student/);
    await snap(teacher, 'flags-03-report');
  });

  it('explains the badges in French to a French browser', async () => {
    const fr = await openLaptop(browser, sys.origin, room, 'fr-FR');
    await signInPage(fr, sys.origin, klass.cls.teacher.email, klass.cls.teacher.password);
    await fr.getByRole('button', { name: /^Historique des présences de / }).click();
    await fr.getByRole('button', { name: /^Voir le rapport du / }).first().click();
    const table = fr.getByTestId('report');
    await table.waitFor();
    const row = table.locator(`tr[data-student="${student(2).id}"]`);
    await row.getByText('Précision 0').click();
    await expect(row.locator('.flag-help').textContent()).resolves.toMatch(/parfaitement exacte \(0 m\).*c’est vous qui décidez/);
    await snap(fr, 'flags-04-report-fr');
    await fr.close();
  });
});
