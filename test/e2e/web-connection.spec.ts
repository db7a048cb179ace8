/**
 * Honest connection and forgiving QR codes on a 360 px phone in Chromium: the header says
 * "Offline" within 2 s of the network going and "Connected" soon after it is back — also when the
 * network goes quiet without the browser noticing (no `offline` event: the heartbeat sees it); a check-in
 * tapped while offline says it will send by itself and does, with no prompt that is not needed; a
 * wrong QR code is "try again", not a refusal; a typed code two steps old still counts (the grace
 * for typing); a refusal card goes when the session closes. The code field is optional (folded
 * behind "Have the code?") when the teacher only offers it. English and French screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, type Position, type SessionView } from '@classconnect/contracts';
import { sleep } from '@classconnect/messaging';
import { connectSocket, fillSignIn, launchChromium, offsetNorth, openPhone, requestOk, snapScreen, startTestSystem, type ClassFixture, type Phone, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const room: Position = { latitude: 43.6045, longitude: 1.444, accuracy: 10 };

/**
 * A network that goes quiet without the browser knowing, as a hall's Wi-Fi or a phone between cells
 * does: with `window.__quiet` set, WebSocket frames and HTTP requests of the page vanish (nothing
 * arrives, nothing is refused) and no `offline` event fires. Installed before the app loads.
 */
function quietNetwork(): void {
  const w = window as unknown as { __quiet: boolean; WebSocket: typeof WebSocket; fetch: typeof fetch };
  w.__quiet = false;
  const Native = w.WebSocket;
  class Quietable extends Native {
    override send(data: Parameters<WebSocket['send']>[0]): void {
      if (!w.__quiet) super.send(data);
    }
    override set onmessage(f: ((this: WebSocket, e: MessageEvent) => unknown) | null) {
      super.onmessage = f && ((e: MessageEvent) => (w.__quiet ? undefined : f.call(this, e)));
    }
    override get onmessage() {
      return super.onmessage;
    }
    // A socket opened while quiet never hears back, as over a dead network.
    override set onopen(f: ((this: WebSocket, e: Event) => unknown) | null) {
      super.onopen = f && ((e: Event) => (w.__quiet ? undefined : f.call(this, e)));
    }
    override get onopen() {
      return super.onopen;
    }
  }
  w.WebSocket = Quietable;
  const nativeFetch = w.fetch.bind(window);
  w.fetch = (input, init) =>
    w.__quiet
      ? new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
      : nativeFetch(input, init);
}

describe('an honest connection and forgiving QR codes on a phone', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacher: Socket;
  let session: SessionView;
  const phones: Phone[] = [];

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }
  async function noOverflow(page: Page, screen: string): Promise<void> {
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
    expect({ screen, ...widths }).toEqual({ screen, page: widths.view, view: widths.view });
  }

  async function student(i: number, position: Position, locale = 'en-GB'): Promise<Page> {
    const phone = await openPhone(browser, sys.origin, `phone-${i}`, position, locale);
    phones.push(phone);
    await phone.context.addInitScript(quietNetwork);
    await phone.page.goto(sys.origin);
    await fillSignIn(phone.page, cls.students[i]!.email, cls.students[i]!.password);
    await phone.page.getByRole('button', { name: /Set up my passkey|Créer ma clé/ }).click();
    return phone.page;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(4);
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    browser = await launchChromium();
  });

  afterAll(async () => {
    teacher?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('says Offline within 2 s, waits for the network without asking for anything, and sends the check-in by itself', async () => {
    const page = await student(0, offsetNorth(room, 10));
    await page.getByText(/No class is taking attendance|Aucun cours/).waitFor();
    session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50, qr: { mode: 'offered', stepSeconds: 5 } });
    const card = page.getByTestId('checkin-card');
    await card.waitFor();
    // Connected and shown, the page watches the server's pings: it sends no heartbeat of its own
    // (an HTTP heartbeat from every open page cost the gateway more than the check-ins).
    const probes: string[] = [];
    const countProbe = (req: { url(): string }) => void (new URL(req.url()).pathname === '/health/live' && probes.push(req.url()));
    page.on('request', countProbe);
    await page.waitForTimeout(3_000);
    page.off('request', countProbe);
    expect(probes).toEqual([]);
    await expect(page.getByTestId('connection').textContent()).resolves.toMatch(/Connected/);
    // Offered: the code is optional, behind a question.
    await expect(card.getByTestId('qr-have-code').textContent()).resolves.toBe('Have the code? (optional)');
    await expect(card.getByTestId('qr-code-input').count()).resolves.toBe(0);

    const t0 = Date.now();
    await page.context().setOffline(true);
    await page.getByTestId('connection').filter({ hasText: 'Offline — reconnecting' }).waitFor({ timeout: 2_000 });
    const offlineMs = Date.now() - t0;
    await card.getByRole('button', { name: /^Check in to / }).click();
    await card.getByRole('button', { name: 'Offline: will send by itself' }).waitFor();
    await expect(page.getByText('Confirm it is you on your phone…').count()).resolves.toBe(0);
    await snap(page, 'connection-01-offline-waiting');
    await noOverflow(page, 'offline waiting');

    const t1 = Date.now();
    await page.context().setOffline(false);
    await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 5_000 });
    const onlineMs = Date.now() - t1;
    const result = page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    console.log(`connection header: offline shown after ${offlineMs} ms, connected again after ${onlineMs} ms`);
    expect(onlineMs).toBeLessThanOrEqual(2_000);
    await snap(page, 'connection-02-sent-by-itself');
  });

  it('sees a quiet network by its heartbeat (no offline event) within 2 s, and the check-in still sends by itself', async () => {
    const page = await student(3, offsetNorth(room, 8));
    const card = page.getByTestId('checkin-card');
    await card.waitFor();
    const header = page.getByTestId('connection');
    await header.filter({ hasText: 'Connected' }).waitFor();

    const t0 = Date.now();
    await page.evaluate(() => ((window as unknown as { __quiet: boolean }).__quiet = true));
    await header.filter({ hasText: 'Offline — reconnecting' }).waitFor({ timeout: 2_000 });
    const offlineMs = Date.now() - t0;
    // The browser still believes it is online: only the heartbeat could have told.
    await expect(page.evaluate(() => navigator.onLine)).resolves.toBe(true);
    await card.getByRole('button', { name: /^Check in to / }).click();
    await card.getByRole('button', { name: 'Offline: will send by itself' }).waitFor();
    await expect(page.getByText('Confirm it is you on your phone…').count()).resolves.toBe(0);
    await snap(page, 'connection-06-quiet-network-waiting');

    const t1 = Date.now();
    await page.evaluate(() => ((window as unknown as { __quiet: boolean }).__quiet = false));
    await header.filter({ hasText: 'Connected' }).waitFor({ timeout: 6_000 });
    const onlineMs = Date.now() - t1;
    const result = page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    console.log(`quiet network: offline shown after ${offlineMs} ms (heartbeat), connected again after ${onlineMs} ms`);
  });

  it('shows a wrong code as "try again", then takes a typed code two steps old (the grace for typing)', async () => {
    const early = await requestOk(teacher, ClientEvents.sessionQr, { sessionId: session.sessionId });
    const page = await student(1, offsetNorth(room, 12));
    const card = page.getByTestId('checkin-card');
    await card.getByTestId('qr-have-code').click();
    await card.getByLabel('Code on the teacher’s screen (optional)').fill('ABCDEF');
    await card.getByRole('button', { name: /^Check in to / }).click();
    const result = page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('retry');
    await result.getByRole('heading', { name: 'Try again with the code shown now' }).waitFor();
    await snap(page, 'connection-03-qr-try-again');
    await noOverflow(page, 'qr try again');

    // The code read at the start is now two steps old: typed, it still counts.
    const wait = Date.parse(early.expiresAt) + early.stepSeconds * 1000 + 300 - Date.now();
    if (wait > 0) await sleep(wait);
    await result.getByLabel('Code on the teacher’s screen (optional)').fill(early.shortCode);
    await result.getByRole('button', { name: 'Try again' }).click();
    await page.locator('[data-testid=checkin-result][data-verdict=accepted]').waitFor({ timeout: 20_000 });
  });

  it('clears a refusal’s advice when the session closes: only "ended" is said (French)', async () => {
    const page = await student(2, offsetNorth(room, 700), 'fr-FR');
    const card = page.getByTestId('checkin-card');
    await card.getByRole('button', { name: /^Signaler ma présence en / }).click();
    const result = page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.getAttribute('data-reason')).resolves.toBe('OUTSIDE_GEOFENCE');
    await snap(page, 'connection-04-refused-fr');
    await noOverflow(page, 'refused fr');
    const advice = (await result.locator('.result-todo').textContent())!;
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await page.locator('[data-testid=checkin-result][data-verdict=ended]').getByText('Cet appel est terminé.').waitFor({ timeout: 10_000 });
    await expect(page.getByText(advice).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Réessayer' }).count()).resolves.toBe(0);
    await snap(page, 'connection-05-closed-fr');
  });
});
