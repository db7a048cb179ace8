/**
 * A report that never waits forever, as the teacher sees it in a real browser (Debian's Chromium
 * through playwright-core) against the five services. The spec publishes a session's opening and
 * close onto the ATTENDANCE stream itself, listing a student present whose check-in (mark) it
 * withholds, as if that event were stuck in the dead letters. report-service builds the report
 * after its wait (REPORT_MARK_WAIT_MS) and the report screen says it may be incomplete, in English
 * and in French; when the mark is published (a replay), report:updated brings the complete report
 * and the note goes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { EventSubjects, type CloudEvent, type Position } from '@classconnect/contracts';
import { EventPublisher, connectNats, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { launchChromium, openLaptop, signInPage, snapScreen, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };

describe('an incomplete report in the web client', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let browser: Browser;
  const ready: CloudEvent<typeof EventSubjects.reportReady>[] = [];
  const sessionId = randomUUID();

  async function openReport(locale: string): Promise<Page> {
    const page = await openLaptop(browser, sys.origin, room, locale);
    await signInPage(page, sys.origin, cls.teacher.email, cls.teacher.password);
    await page.getByRole('button', { name: /^(Attendance history of|Historique des présences de) / }).click();
    const sessions = page.getByTestId('history-sessions');
    await sessions.locator('tbody tr').first().getByRole('button').click();
    await page.getByTestId('report').waitFor();
    return page;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    browser = await launchChromium();
    nc = await connectNats(sys.env.NATS_URL!, 'incomplete-report-e2e');
    publisher = new EventPublisher(nc, '/classconnect/session-service');
    subscribeEvents(nc, EventSubjects.reportReady, (e) => ready.push(e as CloudEvent<typeof EventSubjects.reportReady>));
  });

  afterAll(async () => {
    await browser?.close();
    await nc?.close();
    await sys?.stop();
  });

  it('says the report may be incomplete while a check-in is missing, and updates when it arrives', async () => {
    const [present, absent] = cls.students as [ClassFixture['students'][number], ClassFixture['students'][number]];
    const openedAt = new Date(Date.now() - 60_000).toISOString();
    await publisher.publish(
      EventSubjects.sessionOpened,
      { sessionId, courseId: cls.courseId, courseCode: cls.courseCode, courseTitle: 'Optics', teacherId: cls.teacher.id, openedAt, radiusM: 80, enrolledStudentIds: [present.id, absent.id] },
      { dedupKey: `session.opened:${sessionId}`, about: sessionId },
    );
    await publisher.publish(
      EventSubjects.sessionClosed,
      { sessionId, courseId: cls.courseId, closedAt: new Date().toISOString(), closedBy: cls.teacher.id, presentStudentIds: [present.id] },
      { dedupKey: `session.closed:${sessionId}`, about: sessionId },
    );
    const deadline = Date.now() + 30_000;
    while (!ready.some((e) => e.data.sessionId === sessionId)) {
      if (Date.now() > deadline) throw new Error('no report.ready');
      await new Promise((r) => setTimeout(r, 50));
    }

    const en = await openReport('en-GB');
    const note = en.getByTestId('report-incomplete');
    await expect(note.textContent()).resolves.toBe('This report may be incomplete: 1 check-in had not arrived when it was built; it will update when it does.');
    expect(await snapScreen(en, 'incomplete-report-01-note')).toEqual([]);
    const fr = await openReport('fr-FR');
    await expect(fr.getByTestId('report-incomplete').textContent()).resolves.toBe(
      'Ce rapport est peut-être incomplet : 1 présence n’était pas encore arrivée quand il a été établi ; il se mettra à jour dès son arrivée.',
    );

    // The withheld check-in arrives (replayed from the dead letters), as session-service publishes it: v2, then v1.
    const fact = { sessionId, courseId: cls.courseId, studentId: present.id, source: 'checkin' as const, submissionId: `sub-${sessionId}`, distanceM: 9, accuracyM: 6, methods: ['passkey' as const, 'geofence' as const], markedAt: openedAt };
    await publisher.publish(EventSubjects.markRecordedV2, { ...fact, status: 'present' }, { dedupKey: `mark.v2:${sessionId}:${present.id}`, about: sessionId });
    await publisher.publish(EventSubjects.markRecorded, { ...fact, status: 'present' }, { dedupKey: `mark:${sessionId}:${present.id}`, about: sessionId });

    for (const page of [en, fr]) {
      await page.getByTestId('report-incomplete').waitFor({ state: 'detached' });
      await expect(page.locator(`tr[data-student="${present.id}"] td`).nth(2).textContent()).resolves.toBe('9 m');
    }
    expect(await snapScreen(en, 'incomplete-report-02-complete')).toEqual([]);
  });
});
