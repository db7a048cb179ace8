/**
 * The console's Dead letters tab in a real browser against the five services: a poison hand-mark
 * event on ATTENDANCE is set aside by report-service and by the audit log; the admin finds both,
 * in words, replays one after a confirmation and reads why it failed again (the cause is not
 * fixed, so it stays). On a laptop in English and on a 360 px phone in French; every screen is
 * saved to test-artifacts/screenshots/ and checked with axe-core.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { ClientEvents, EventSubjects, type Position } from '@classconnect/contracts';
import { EventPublisher, connectNats, type NatsConnection } from '@classconnect/messaging';
import { connectSocket, launchChromium, openLaptop, openPhone, requestOk, signInPage, snapScreen, startTestSystem, waitFor, type ClassFixture, type TestSystem } from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const lectureHall: Position = { latitude: 52.2053, longitude: 0.1218, accuracy: 8 };
const PoisonError = /unicode|byte sequence|0x00/i;

describe('the Dead letters tab of the admin console', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let cls: ClassFixture;
  let teacher: Socket;
  let browser: Browser;
  let admin: Page;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  /** Presses Refresh until the list holds `n` messages (the tab does not poll by itself). */
  async function refreshUntil(page: Page, refresh: string, n: number): Promise<Locator> {
    const rows = page.getByTestId('dead-letter-list').getByRole('listitem');
    await waitFor(
      async () => {
        if ((await rows.count()) >= n) return true;
        await page.getByRole('button', { name: refresh }).click();
        await page.waitForTimeout(1_000);
        return false;
      },
      `${n} dead letters in the tab`,
      90_000,
    );
    return rows;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    await seedDemoAdmin(sys);
    cls = await sys.createClass(1);
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    nc = await connectNats(sys.env.NATS_URL!, 'web-dead-letters-spec');
    browser = await launchChromium();
    admin = await openLaptop(browser, sys.origin, lectureHall);
    await signInPage(admin, sys.origin, DemoAdmin.email, DemoAdmin.password);
  });

  afterAll(async () => {
    await browser?.close();
    teacher?.close();
    await nc?.close();
    await sys?.stop();
  });

  it('says nothing is set aside while every part keeps up', async () => {
    await admin.getByRole('tab', { name: 'Dead letters' }).click();
    await admin.getByText('Nothing set aside: every part is keeping up.').waitFor();
    await admin.getByText(/could not process after several tries\. They were set aside so that everything else keeps working\./).waitFor();
    await snap(admin, 'admin-dead-letters-none');
  });

  it('lists a poison event set aside by the reports and the audit log, in words, with its error and tries', async () => {
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });
    // A hand mark whose reason holds U+0000: valid JSON and valid for the event's schema, but
    // PostgreSQL refuses to store it, in report-service's projection and in identity's audit log.
    await new EventPublisher(nc, '/classconnect/spec').publish(
      EventSubjects.markChanged,
      {
        sessionId: session.sessionId,
        courseId: cls.courseId,
        studentId: cls.students[0]!.id,
        status: 'excused',
        previousStatus: 'present',
        reason: 'doctor\u0000note',
        changedBy: cls.teacher.id,
        changedAt: new Date().toISOString(),
        sequence: 1,
      },
      { dedupKey: `spec-poison:${randomUUID()}`, about: session.sessionId },
    );
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });

    const rows = await refreshUntil(admin, 'Refresh', 2);
    await expect(admin.getByTestId('dead-letters-count').textContent()).resolves.toBe('2 messages set aside.');
    const texts = (await rows.allTextContents()).map((x) => x.replace(/\s+/g, ' '));
    expect(texts.map((x) => x.match(/^(Reports|Audit log)/)?.[1]).sort()).toEqual(['Audit log', 'Reports']);
    for (const text of texts) {
      expect(text).toContain('5 failed tries');
      expect(text).toContain('Attendance changed by hand');
      expect(text).toContain(EventSubjects.markChanged);
      expect(text).toMatch(PoisonError);
    }
    // When: the local date and time, readable.
    await expect(rows.first().locator('time').textContent()).resolves.toMatch(/^\w{3},? \d{1,2} \w{3,4} \d{4}, \d{2}:\d{2}$/);
    await snap(admin, 'admin-dead-letters');
  });

  it('replays one after a confirmation; the cause is not fixed, so it says the replay failed again and keeps it', async () => {
    const row = admin.getByTestId('dead-letter-list').getByRole('listitem').filter({ hasText: /^Reports/ });
    await row.getByRole('button', { name: /^Replay the message Reports set aside on / }).click();
    const confirm = row.getByRole('group', { name: /^Replay the message Reports set aside on / });
    await confirm.getByText('Replay it now? Reports will try this message again.').waitFor();
    await snap(admin, 'admin-dead-letters-confirm');
    await confirm.getByRole('button', { name: 'Yes, replay' }).click();
    const alert = row.getByRole('alert');
    await alert.filter({ hasText: 'The replay failed again, so the message stays set aside.' }).waitFor({ timeout: 90_000 });
    await expect(alert.textContent()).resolves.toMatch(PoisonError);
    await expect(admin.getByTestId('dead-letter-list').getByRole('listitem').count()).resolves.toBe(2);
    // Keyboard users are not left on a button that went away: focus is back on the row's Replay.
    await expect(admin.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toMatch(/^Replay the message Reports set aside on /);
    // Still there after a fresh read too.
    await admin.getByRole('button', { name: 'Refresh' }).click();
    await expect(admin.getByTestId('dead-letters-count').textContent()).resolves.toBe('2 messages set aside.');
    await row.getByRole('button', { name: /^Replay the message Reports/ }).click();
    await row.getByRole('group').getByRole('button', { name: 'Yes, replay' }).click();
    await row.getByRole('alert').filter({ hasText: 'The replay failed again' }).waitFor({ timeout: 90_000 });
    await snap(admin, 'admin-dead-letters-replay-failed');
  });

  it('works on a 360 px phone in French, with nothing running off the side', async () => {
    const phone = await openPhone(browser, sys.origin, 'admin-phone', lectureHall, 'fr-FR');
    const page = phone.page;
    try {
      await signInPage(page, sys.origin, DemoAdmin.email, DemoAdmin.password);
      await page.getByRole('tab', { name: 'Messages mis de côté' }).click();
      const rows = await refreshUntil(page, 'Actualiser', 2);
      await expect(page.getByTestId('dead-letters-count').textContent()).resolves.toBe('2 messages mis de côté.');
      const texts = (await rows.allTextContents()).map((x) => x.replace(/\s+/g, ' '));
      expect(texts.map((x) => x.match(/^(Rapports|Journal d’audit)/)?.[1]).sort()).toEqual(['Journal d’audit', 'Rapports']);
      expect(texts.every((x) => x.includes('5 essais échoués') && x.includes('Présence modifiée à la main'))).toBe(true);
      await snap(page, 'admin-phone-fr-dead-letters');
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);

      const row = rows.filter({ hasText: /^Journal d’audit/ });
      await row.getByRole('button', { name: /^Relancer le message mis de côté par Journal d’audit le / }).click();
      await row.getByRole('button', { name: 'Oui, relancer' }).click();
      await row.getByRole('alert').filter({ hasText: 'La relance a de nouveau échoué : le message reste mis de côté.' }).waitFor({ timeout: 90_000 });
      await snap(page, 'admin-phone-fr-dead-letters-replay-failed');
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    } finally {
      await phone.context.close();
    }
  });
});
