/**
 * Attendance warnings in the web client, in a real Chromium: after three sessions that one student
 * missed (run over the protocol), the teacher's course history shows a badge beside that student and
 * the course's list of warnings; the teacher sets the course's own thresholds (no warning for a run
 * of absences) and the warning goes, then back to the defaults and it returns; the student sees it on
 * their own history, on a 360 px phone. Every screen is checked with axe-core.
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
} from '@classconnect/testing';

const room: Position = { latitude: 43.6045, longitude: 1.4442, accuracy: 12 };

describe('attendance warnings in the web client', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;
  let teacher: Page;
  const absentee = () => klass.cls.students[1]!;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    klass = await seatClass(sys, 2);
    const ready = new EventLog(klass.teacher, ServerEvents.reportReady);
    const raised = new EventLog(klass.teacher, ServerEvents.warningRaised);
    browser = await launchChromium();
    for (let i = 0; i < 3; i++) {
      const { sessionId } = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 100 });
      await expect(klass.students[0]!.checkIn(sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId });
      await ready.waitFor((r) => r.sessionId === sessionId);
    }
    await raised.waitFor((w) => w.studentId === absentee().id);
  });

  afterAll(async () => {
    await browser?.close();
    klass?.close();
    await sys?.stop();
  });

  it('shows the teacher a badge beside the warned student and the course’s list of warnings', async () => {
    teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, klass.cls.teacher.email, klass.cls.teacher.password);
    await teacher.getByRole('button', { name: /^Attendance history of / }).click();
    const row = teacher.locator(`[data-testid=history-students] tr[data-student="${absentee().id}"]`);
    await row.getByTestId('warning-badge').waitFor();
    await expect(teacher.locator(`[data-testid=history-students] tr[data-student="${klass.cls.students[0]!.id}"] [data-testid=warning-badge]`).count()).resolves.toBe(0);
    const list = teacher.getByTestId('course-warnings');
    await expect(list.getByRole('heading', { name: 'Attendance warnings (1)' }).count()).resolves.toBe(1);
    await expect(list.locator(`li[data-student="${absentee().id}"]`).textContent()).resolves.toContain('Missed the last 3 sessions');
    await snap(teacher, 'warnings-01-teacher-course-history');
  });

  it('lets the teacher set the course’s own thresholds, which clears the warning at once, and go back to the defaults', async () => {
    const list = teacher.getByTestId('course-warnings');
    await list.getByText(/^Thresholds · The university’s default thresholds/).click();
    await list.getByLabel('Missed sessions in a row (0: off)').fill('0');
    await list.getByRole('button', { name: 'Save thresholds' }).click();
    await list.getByText('No student is below the thresholds.').waitFor();
    await teacher.locator('[data-testid=warning-badge]').first().waitFor({ state: 'detached' });
    await list.getByText(/^Thresholds · This course’s own thresholds/).waitFor();
    await snap(teacher, 'warnings-02-teacher-own-thresholds');
    await list.getByRole('button', { name: 'Use the defaults' }).click();
    await list.locator(`li[data-student="${absentee().id}"]`).waitFor();
  });

  it('shows the student their own warning on their history, on a phone', async () => {
    const phone = await openPhone(browser, sys.origin, 'absentee', offsetNorth(room, 5));
    await signInPage(phone.page, sys.origin, absentee().email, absentee().password);
    await phone.page.getByRole('button', { name: 'See my attendance' }).click();
    const panel = phone.page.getByTestId('my-warnings');
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain(`${klass.cls.courseCode}: you missed the last 3 sessions.`);
    await snap(phone.page, 'warnings-03-student-history');
    await phone.context.close();
  });
});
