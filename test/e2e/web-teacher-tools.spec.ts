/**
 * The teacher's tools and the student's history in a real browser (Debian's Chromium through
 * playwright-core) against the five services: marking a student by hand with a reason on the live
 * roster and on the report (the override shown beside the check-in's proof), the course history
 * with counts and rates, and a student's own history on a phone in English and in French. Every
 * new screen is saved to test-artifacts/screenshots/ and checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, ServerEvents, type Position } from '@classconnect/contracts';
import {
  EventLog,
  launchChromium,
  offsetNorth,
  openLaptop,
  openPhone,
  requestOk,
  seatClass,
  signInPage,
  snapScreen,
  startTestSystem,
  type Classroom,
  type TestSystem,
  stopFromRoster,
} from '@classconnect/testing';

const room: Position = { latitude: 43.6045, longitude: 1.4442, accuracy: 12 };

describe('teacher tools and history in the web client', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;
  let teacher: Page;
  let ready: EventLog<typeof ServerEvents.reportReady>;
  const sessionIds: string[] = [];
  const name = (i: number) => klass.cls.students[i]!.name;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    klass = await seatClass(sys, 3);
    ready = new EventLog(klass.teacher, ServerEvents.reportReady);
    browser = await launchChromium();
    // A first session, run over the protocol: student 0 present, the others absent.
    const first = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 100 });
    await expect(klass.students[0]!.checkIn(first.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId: first.sessionId });
    await ready.waitFor((r) => r.sessionId === first.sessionId);
    sessionIds.push(first.sessionId);
  });

  afterAll(async () => {
    await browser?.close();
    klass?.close();
    await sys?.stop();
  });

  it('lets the teacher mark a student excused with a reason on the live roster', async () => {
    teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, klass.cls.teacher.email, klass.cls.teacher.password);
    await teacher.getByRole('heading', { name: 'Your courses' }).waitFor();
    await teacher.getByRole('button', { name: /^Attendance history of / }).waitFor();
    await snap(teacher, 'teacher-tools-01-courses');

    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    const opened = await klass.students[0]!.opened.waitFor((s) => s.courseId === klass.cls.courseId && !sessionIds.includes(s.sessionId));
    sessionIds.push(opened.sessionId);
    await expect(klass.students[0]!.checkIn(opened.sessionId, offsetNorth(room, 8))).resolves.toMatchObject({ verdict: 'accepted' });
    await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: '1' }).waitFor();

    await teacher.getByRole('button', { name: `Change the status of ${name(1)}` }).click();
    const editor = teacher.getByTestId('mark-editor');
    await editor.getByLabel('Excused').check();
    // Without a reason nothing is sent.
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByRole('alert').filter({ hasText: 'Write a reason for the change.' }).waitFor();
    await editor.getByLabel('Reason').fill('Doctor’s note');
    await snap(teacher, 'teacher-tools-02-live-mark-editor');
    await editor.getByRole('button', { name: 'Save' }).click();
    const row = teacher.locator('[data-testid=roster] li[data-status=excused]');
    await row.filter({ hasText: name(1) }).filter({ hasText: 'Set by hand: “Doctor’s note”' }).waitFor();
    await expect(teacher.getByTestId('mark-editor').count()).resolves.toBe(0);
    await snap(teacher, 'teacher-tools-03-live-marked');
  });

  it('shows the change on the report beside the check-in’s proof, and lets the teacher change a status after Stop', async () => {
    await stopFromRoster(teacher);
    const table = teacher.getByTestId('report');
    await table.waitFor({ timeout: 30_000 });
    const excused = table.locator(`tr[data-student="${klass.cls.students[1]!.id}"]`);
    await expect(excused.getAttribute('class')).resolves.toBe('status-excused');
    await expect(excused.getByTestId('override').textContent()).resolves.toMatch(/^Set by hand at \d\d:\d\d: “Doctor’s note”$/);

    // Student 0 checked in on time; the teacher knows they came 20 minutes late.
    const present = table.locator(`tr[data-student="${klass.cls.students[0]!.id}"]`);
    await expect(present.getAttribute('class')).resolves.toBe('status-present');
    await present.getByRole('button', { name: `Change the status of ${name(0)}` }).click();
    const editor = teacher.getByTestId('mark-editor');
    await editor.getByLabel('Late').check();
    await editor.getByLabel('Reason').fill('Came in 20 minutes after the start');
    await editor.getByRole('button', { name: 'Save' }).click();
    await present.filter({ hasText: 'Came in 20 minutes after the start' }).waitFor();
    await expect(present.getAttribute('class')).resolves.toBe('status-late');
    // The check-in's proof stays: its time, its distance and what it said.
    await expect(present.textContent()).resolves.toMatch(/\d\d:\d\d.*\d+ m.*Check-in said: Present/);
    await teacher.getByTestId('count-late').locator('.tile-value').filter({ hasText: '1' }).waitFor();
    await teacher.getByTestId('count-excused').locator('.tile-value').filter({ hasText: '1' }).waitFor();
    // The stored report follows (report:updated), and a fresh read shows the same.
    const report = await requestOk(klass.teacher, ClientEvents.reportGet, { sessionId: sessionIds[1]! });
    expect(report.rows.find((r) => r.studentId === klass.cls.students[0]!.id)).toMatchObject({ status: 'late', checkinStatus: 'present' });
    await snap(teacher, 'teacher-tools-04-report-marked');
  });

  it('opens the course history with each session’s counts and each student’s rate, and a past report from it', async () => {
    await teacher.getByRole('button', { name: 'Back to my courses' }).click();
    await teacher.getByRole('button', { name: /^Attendance history of / }).click();
    await teacher.getByRole('heading', { level: 1, name: new RegExp(`^${klass.cls.courseCode} · `) }).waitFor();
    const sessions = teacher.getByTestId('history-sessions');
    await sessions.locator('tbody tr').nth(1).waitFor();
    // Newest first: present 0, late 1, excused 1, absent 1; then the first session: 1 present, 2 absent.
    await expect(sessions.locator('tbody tr').nth(0).locator('td.num').allTextContents()).resolves.toEqual(['0', '1', '1', '1']);
    await expect(sessions.locator('tbody tr').nth(1).locator('td.num').allTextContents()).resolves.toEqual(['1', '0', '0', '2']);
    const rateOf = (i: number) => teacher.locator(`[data-testid=history-students] tr[data-student="${klass.cls.students[i]!.id}"] [data-testid=rate]`).textContent();
    await expect(rateOf(0)).resolves.toBe('100%');
    await expect(rateOf(1)).resolves.toBe('0%');
    await expect(rateOf(2)).resolves.toBe('0%');
    await snap(teacher, 'teacher-tools-05-course-history');

    await sessions.locator('tbody tr').nth(1).getByRole('button', { name: /^Open report of / }).click();
    const table = teacher.getByTestId('report');
    await table.waitFor();
    await expect(table.locator('tbody tr.status-present').count()).resolves.toBe(1);
    await teacher.getByRole('button', { name: 'Back to the history' }).click();
    await teacher.getByTestId('history-sessions').waitFor();
  });

  it('shows a student their own sessions and rate, in English and in French', async () => {
    const en = await openPhone(browser, sys.origin, 'student-0', offsetNorth(room, 5));
    await signInPage(en.page, sys.origin, klass.cls.students[0]!.email, klass.cls.students[0]!.password);
    await en.page.getByRole('button', { name: 'See my attendance' }).click();
    const course = en.page.getByTestId('my-course-history');
    await course.waitFor();
    await expect(course.getByTestId('my-rate').textContent()).resolves.toBe('Attendance: 100%');
    await expect(course.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-status')))).resolves.toEqual(['late', 'present']);
    await expect(course.locator('li').first().textContent()).resolves.toContain('set by your teacher');
    await expect(course.textContent()).resolves.not.toContain(name(1));
    await snap(en.page, 'student-history');

    const fr = await openPhone(browser, sys.origin, 'student-1', offsetNorth(room, 5), 'fr-FR');
    await signInPage(fr.page, sys.origin, klass.cls.students[1]!.email, klass.cls.students[1]!.password);
    await fr.page.getByRole('button', { name: 'Voir mes présences' }).click();
    const cours = fr.page.getByTestId('my-course-history');
    await cours.waitFor();
    await expect(cours.getByTestId('my-rate').textContent()).resolves.toMatch(/^Assiduité : 0\s?%$/);
    await expect(cours.locator('li').first().textContent()).resolves.toContain('Excusé·e');
    await snap(fr.page, 'student-history-fr');
    await fr.page.getByRole('button', { name: 'Retour' }).click();
    await fr.page.getByRole('heading', { name: 'Mes cours' }).waitFor();
  });
});
