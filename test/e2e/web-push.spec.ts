/**
 * The push opt-in in a real Chromium, on a 360 px phone: the student turns on class reminders, the
 * server stores the device's subscription, and when class starts with the app closed a push goes to
 * the local stand-in for the push service; the test decrypts it (RFC 8291) and hands it to the
 * page's service worker (DevTools' ServiceWorker.deliverPushMessage), which shows the notification
 * that opens the check-in.
 *
 * Headless Chromium has no connection to a real push service (FCM), so PushManager.subscribe is
 * replaced in the page by one that returns the test's own subscription (its endpoint on the
 * stand-in, its keys): everything after that — the request to the server, the server's encrypted
 * push, the service worker — is the real thing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import pg from 'pg';
import webpush from 'web-push';
import { ClientEvents, type Position } from '@classconnect/contracts';
import { launchChromium, openPhone, requestOk, seatClass, signInPage, snapScreen, startTestSystem, waitFor, type Classroom, type Phone, type TestSystem } from '@classconnect/testing';
import { Device } from './support/push-receiver.js';

const room: Position = { latitude: 47.2184, longitude: -1.5536, accuracy: 10 };

describe('class reminders (Web Push) in the web client', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;
  let phone: Phone;
  let server: Server;
  let db: pg.Client;
  let device: Device;
  const bodies: Buffer[] = [];
  const vapid = webpush.generateVAPIDKeys();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.statusCode = 201;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    device = new Device(`http://127.0.0.1:${port}/push/phone`);
    sys = await startTestSystem({ env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, PUSH_SERVICE_HOSTS: `127.0.0.1:${port}`, PUSH_ALLOW_HTTP: 'true' } });
    klass = await seatClass(sys, 1);
    klass.students[0]!.close(); // the phone below is this student's only open app
    db = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await db.connect();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await db?.end();
    klass?.close();
    await sys?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('lets the student turn on class reminders on this device', async () => {
    phone = await openPhone(browser, sys.origin, 'student', room);
    await phone.context.grantPermissions(['geolocation', 'notifications'], { origin: sys.origin });
    await phone.page.addInitScript((sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => {
      let current: unknown = null;
      const make = () => ({ endpoint: sub.endpoint, toJSON: () => sub, unsubscribe: async () => ((current = null), true) });
      PushManager.prototype.subscribe = async function () {
        current = make();
        return current as PushSubscription;
      };
      PushManager.prototype.getSubscription = async function () {
        return current as PushSubscription | null;
      };
    }, device.subscription);
    await signInPage(phone.page, sys.origin, klass.cls.students[0]!.email, klass.cls.students[0]!.password);
    const optIn = phone.page.getByTestId('push-opt-in');
    await optIn.getByRole('button', { name: 'Notify me when class starts' }).click();
    await phone.page.locator('[data-testid=push-opt-in][data-state=on]').waitFor();
    await expect(optIn.textContent()).resolves.toContain('This device is notified when one of your classes starts.');
    const serious = await snapScreen(phone.page, 'push-01-opt-in-on');
    expect(serious).toEqual([]);
    const { rows } = await db.query('SELECT user_id, endpoint FROM report.push_subscriptions');
    expect(rows).toEqual([{ user_id: klass.cls.students[0]!.id, endpoint: device.endpoint }]);
  });

  it('sends the push when class starts with the app closed, and the service worker shows it', async () => {
    await phone.page.goto('about:blank'); // the app is closed: no socket
    const { sessionId } = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50 });
    await waitFor(() => bodies.length > 0, 'the push at the stand-in', 15_000);
    const payload = device.decrypt(bodies[0]!);
    expect(JSON.parse(payload)).toMatchObject({ kind: 'session-opened', sessionId, url: `/checkin?session=${sessionId}` });

    // Hand the decrypted message to the page's service worker, as the browser would.
    await phone.page.goto(`${sys.origin}/`);
    await phone.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const cdp = await phone.context.newCDPSession(phone.page);
    const registrations: string[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string }[] }) => {
      for (const r of e.registrations) if (r.scopeURL.startsWith(sys.origin)) registrations.push(r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await waitFor(() => registrations[0], 'the service worker registration');
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: sys.origin, registrationId: registrations[0]!, data: payload });
    const shown = await waitFor(
      async () => {
        const list = await phone.page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, data: n.data as unknown })));
        return list.length ? list : undefined;
      },
      'the notification',
    );
    expect(shown).toEqual([{ title: `${klass.cls.courseCode}: class has started`, body: expect.stringContaining('tap to check in'), data: { url: `/checkin?session=${sessionId}` } }]);

    // Where a tap leads: the student's home with the session's check-in.
    await phone.page.goto(`${sys.origin}/checkin?session=${sessionId}`);
    await phone.page.getByRole('button', { name: /check in/i }).first().waitFor();
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId });
  });
});
