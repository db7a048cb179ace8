/**
 * A flaky connection in a real browser: each phone's WebSocket goes through a relay of the test's
 * own (playwright's routeWebSocket), which can cut the connection at chosen moments and hold the
 * phone offline. Two cuts a student meets in a lecture hall:
 * - the connection drops after the check-in was sent but before its acknowledgement came back;
 * - the verdict push is lost on the way.
 * In both, the web client must resend the same attempt (same idempotency key) once it can, show what
 * is happening meanwhile, and end with the verdict, while the server marks the student once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { ClientEvents, ServerEvents, type Position } from '@classconnect/contracts';
import {
  EventLog,
  connectSocket,
  launchChromium,
  offsetNorth,
  openPhone,
  requestOk,
  signInPage,
  snapAccessible,
  startTestSystem,
  type ClassFixture,
  type Phone,
  type TestSystem,
} from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const room: Position = { latitude: 50.6292, longitude: 3.0573, accuracy: 10 };

/** What the relay should do with the next matching frame. */
type Cut = 'none' | 'drop-submit-ack' | 'drop-result-push';

/** A relay between one phone and the gateway that records the check-ins sent and can cut the line. */
class FlakyLine {
  cut: Cut = 'none';
  /** While true, every new connection is refused at once (the phone is offline). */
  offline = false;
  readonly submittedKeys: string[] = [];
  readonly dropped: string[] = [];
  private readonly routes = new Set<WebSocketRoute>();
  private submitAckId: string | undefined;

  async attach(page: Page): Promise<void> {
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (this.offline) return void ws.close({ code: 4000, reason: 'offline' });
      this.routes.add(ws);
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        if (typeof frame === 'string') this.inspectClientFrame(frame);
        server.send(frame);
      });
      server.onMessage((frame) => {
        if (typeof frame === 'string' && this.shouldDrop(frame)) return this.afterDrop(ws, server);
        ws.send(frame);
      });
      ws.onClose(() => this.routes.delete(ws));
    });
  }

  /** Socket.IO over engine.io: `42<ackId>["checkin:submit",{…}]` is an event expecting an ack. */
  private inspectClientFrame(frame: string): void {
    const m = /^42(\d+)\["checkin:submit",(.*)\]$/s.exec(frame);
    if (!m) return;
    this.submittedKeys.push((JSON.parse(m[2]!) as { idempotencyKey: string }).idempotencyKey);
    if (this.cut === 'drop-submit-ack') this.submitAckId = m[1];
    // The phone asked again: from now on the verdict may reach it (in this resend's ack).
    if (this.cut === 'drop-result-push' && this.submittedKeys.length > 1 && this.dropped.length > 0) this.cut = 'none';
  }

  private shouldDrop(frame: string): boolean {
    if (this.cut === 'drop-submit-ack' && this.submitAckId && frame.startsWith(`43${this.submitAckId}[`)) return true;
    if (this.cut === 'drop-result-push' && frame.startsWith(`42["${ServerEvents.checkinResult}"`)) return true;
    return false;
  }

  private afterDrop(ws: WebSocketRoute, server: WebSocketRoute): void {
    const cut = this.cut;
    this.dropped.push(cut);
    // Every verdict push is lost until the phone sends its check-in again. A relay that dropped only
    // the first once let the verdict reach the phone after its only submit, under CI load; the cause
    // is not known (a repeated verdict event has the same id, which the gateway pushes once; a second
    // socket of the same user during a reconnect would get its own push), and either way it would
    // not test the resend.
    if (cut === 'drop-result-push') return;
    this.cut = 'none';
    this.submitAckId = undefined;
    if (cut === 'drop-submit-ack') {
      // The line goes dead right after the server answered: the phone never hears the ack.
      this.offline = true;
      void server.close();
      void ws.close({ code: 4001, reason: 'line dropped' });
    }
  }
}

describe('a check-in across a flaky connection, in Chromium', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacher: Socket;
  let roster: EventLog<typeof ServerEvents.rosterUpdate>;
  let sessionId: string;
  const phones: { phone: Phone; line: FlakyLine }[] = [];

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    browser = await launchChromium();
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    roster = new EventLog(teacher, ServerEvents.rosterUpdate);
    for (const [i, student] of cls.students.entries()) {
      const phone = await openPhone(browser, sys.origin, `flaky-${i}`, offsetNorth(room, 10 + i * 5));
      const line = new FlakyLine();
      await line.attach(phone.page);
      await signInPage(phone.page, sys.origin, student.email, student.password);
      await phone.page.getByRole('button', { name: /Set up my passkey/ }).click();
      await phone.page.getByText(/No class is taking attendance/).waitFor();
      phones.push({ phone, line });
    }
    ({ sessionId } = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 80 }));
    for (const { phone } of phones) await phone.page.getByTestId('checkin-card').waitFor();
  });

  afterAll(async () => {
    teacher?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('resends a check-in whose acknowledgement was lost in a dropped connection, with the same key, once back online', async () => {
    const { phone, line } = phones[0]!;
    line.cut = 'drop-submit-ack';
    await phone.page.getByRole('button', { name: /^Check in to / }).click();

    // The phone is offline now: the screen says so, and that the check-in will go out when it can.
    await phone.page.getByTestId('connection').filter({ hasText: 'Offline — reconnecting' }).waitFor();
    await phone.page
      .getByTestId('checkin-card')
      .getByRole('status')
      .filter({ hasText: 'No connection. Your check-in will be sent as soon as you are back online.' })
      .waitFor({ timeout: 30_000 });
    await snapAccessible(phone.page, 'student-08-offline-resend-waiting');
    expect(line.dropped).toEqual(['drop-submit-ack']);

    line.offline = false;
    const result = phone.page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 60_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    await snapAccessible(phone.page, 'student-09-accepted-after-resend');

    // Sent at least twice, always as the same attempt.
    expect(line.submittedKeys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(line.submittedKeys).size).toBe(1);
  });

  it('asks again for a verdict whose push was lost, and gets it from the resend', async () => {
    const { phone, line } = phones[1]!;
    line.cut = 'drop-result-push';
    await phone.page.getByRole('button', { name: /^Check in to / }).click();
    const result = phone.page.getByTestId('checkin-result');
    await result.waitFor({ timeout: 60_000 });
    await expect(result.getAttribute('data-verdict')).resolves.toBe('accepted');
    expect(line.dropped.length).toBeGreaterThanOrEqual(1);
    expect(new Set(line.dropped)).toEqual(new Set(['drop-result-push']));
    expect(line.submittedKeys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(line.submittedKeys).size).toBe(1);
  });

  it('marks each student once: the teacher saw one arrival each, and the report lists both present once', async () => {
    for (const s of cls.students) await roster.waitFor((u) => u.state === 'present' && u.studentId === s.id);
    const arrivals = roster.items.filter((u) => u.state === 'present').map((u) => u.studentId);
    expect(arrivals.sort()).toEqual(cls.students.map((s) => s.id).sort());

    const ready = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId });
    await ready.waitFor((r) => r.sessionId === sessionId);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId });
    const rows = report.rows.filter((r) => r.status === 'present');
    expect(rows.map((r) => r.studentId).sort()).toEqual(cls.students.map((s) => s.id).sort());
  });
});
