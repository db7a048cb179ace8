/**
 * Webhooks through the real system: an admin registers endpoints on a local receiver written from
 * the Standard Webhooks spec (test/support/webhook-receiver.ts), a teacher starts and stops a
 * session, and the receiver checks what arrives — signed CloudEvents, retried on the schedule
 * (shortened here by configuration), 410 disabling the endpoint, 429's Retry-After honoured, a
 * time-out, a rotation's two signatures, the test event and the delivery log.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, WebhookTestEventType, type WebhookSecretReply } from '@classconnect/contracts';
import { connectSocket, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';
import { WebhookReceiver, verifyStandardWebhook } from '../support/webhook-receiver.js';

const RetryMs = 400;
const TimeoutMs = 1_500;
const here = { latitude: 48.7126, longitude: 2.2096, accuracy: 10 };
const opened = 'attendance.session.opened.v1';
const closedV2 = 'attendance.session.closed.v2';

describe('webhooks', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let admin: Socket;
  let teacher: Socket;
  const receiver = new WebhookReceiver();
  const hooks: Record<string, WebhookSecretReply> = {};
  let sessionId: string;
  let startedAt: number;

  const register = async (name: string, eventTypes: string[], extra: object = {}) => {
    hooks[name] = await requestOk(admin, ClientEvents.webhookCreate, { url: `${receiver.url}/${name}`, eventTypes, description: `the ${name} receiver`, ...extra });
    return hooks[name]!;
  };
  const deliveries = async (name: string) => (await requestOk(admin, ClientEvents.webhookDeliveries, { endpointId: hooks[name]!.endpoint.id })).deliveries;
  const waitForLog = async (name: string, done: (d: Awaited<ReturnType<typeof deliveries>>) => boolean) => {
    const until = Date.now() + 20_000;
    for (;;) {
      const log = await deliveries(name);
      if (done(log)) return log;
      if (Date.now() > until) throw new Error(`delivery log of ${name}: ${JSON.stringify(log)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    await receiver.start();
    sys = await startTestSystem({
      env: { WEBHOOK_RETRY_SCHEDULE: `0,${RetryMs},${RetryMs},${RetryMs}`, WEBHOOK_TIMEOUT_MS: String(TimeoutMs), WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
    });
    cls = await sys.createClass(1);
    await seedDemoAdmin(sys);
    admin = await connectSocket(sys.gatewayUrl, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
  });

  afterAll(async () => {
    admin?.close();
    teacher?.close();
    await sys?.stop();
    await receiver.stop();
  });

  it('refuses what it must not call, and anyone but an admin', async () => {
    for (const [url, code] of [
      ['http://10.1.2.3/hook', ErrorCode.WEBHOOK_URL_REFUSED],
      ['http://169.254.169.254/latest/meta-data', ErrorCode.WEBHOOK_URL_REFUSED],
      ['http://[::1]:8080/hook', ErrorCode.WEBHOOK_URL_REFUSED],
      ['http://192.168.0.10/hook', ErrorCode.WEBHOOK_URL_REFUSED],
      ['http://user:pass@127.0.0.1/hook', ErrorCode.WEBHOOK_URL_REFUSED],
      ['ftp://example.org/hook', ErrorCode.VALIDATION_FAILED],
      ['not a url', ErrorCode.VALIDATION_FAILED],
    ] as const) {
      const res = await request(admin, ClientEvents.webhookCreate, { url, eventTypes: [opened] });
      expect({ url, res }).toMatchObject({ url, res: { ok: false, error: { code, message: expect.any(String) } } });
    }
    await expect(request(admin, ClientEvents.webhookCreate, { url: `${receiver.url}/x`, eventTypes: ['attendance.nothing.v1'] })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED },
    });
    await expect(request(teacher, ClientEvents.webhookList, {})).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect((await requestOk(admin, ClientEvents.webhookList, {})).endpoints).toEqual([]);
  });

  it('delivers signed CloudEvents at least once: retries on the schedule, 410 disables, 429 waits, a dead or slow endpoint holds back no other', async () => {
    receiver.script('/ok', () => ({ status: 204 }));
    receiver.script('/other-course', () => ({ status: 200 }));
    receiver.script('/flaky', (n) => ({ status: n < 2 ? 500 : 200 }));
    receiver.script('/gone', () => ({ status: 410 }));
    receiver.script('/busy', (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    receiver.script('/dead', () => ({ status: 503 }));
    receiver.script('/slow', () => 'hang');
    const ok = await register('ok', [opened, closedV2], { courseIds: [cls.courseId] });
    expect(ok.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(ok.endpoint).toMatchObject({ url: `${receiver.url}/ok`, eventTypes: [opened, closedV2], courseIds: [cls.courseId], enabled: true });
    await register('other-course', [opened], { courseIds: [randomUUID()] });
    for (const name of ['flaky', 'gone', 'busy', 'dead', 'slow']) await register(name, [opened]);
    expect((await requestOk(admin, ClientEvents.webhookList, {})).endpoints).toHaveLength(7);

    startedAt = Date.now();
    sessionId = (await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: here })).sessionId;

    // The well-behaved endpoint: one signed CloudEvent, before the slow one's first attempt timed out.
    const [call] = await receiver.waitFor('/ok', 1);
    expect(call!.at - startedAt).toBeLessThan(TimeoutMs);
    expect(call!.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(verifyStandardWebhook(call!, [ok.secret])).toEqual([ok.secret]);
    expect(verifyStandardWebhook(call!, [`whsec_${Buffer.alloc(32, 1).toString('base64')}`])).toEqual([]);
    const event = JSON.parse(call!.body);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: call!.headers['webhook-id'],
      type: `edu.classconnect.${opened}`,
      source: '/classconnect/session-service',
      data: { sessionId, courseId: cls.courseId },
    });

    // 500, 500, 200: three attempts of the same message, at least the schedule's delay apart.
    const flaky = await receiver.waitFor('/flaky', 3);
    expect(new Set(flaky.map((c) => c.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(RetryMs - 50);
    expect(flaky[2]!.at - flaky[1]!.at).toBeGreaterThanOrEqual(RetryMs - 50);
    expect(await waitForLog('flaky', (l) => l[0]?.status === 'succeeded')).toEqual([
      expect.objectContaining({ eventId: event.id, eventType: `edu.classconnect.${opened}`, status: 'succeeded', attempts: 3, lastStatusCode: 200 }),
    ]);

    // 429 with Retry-After: 2 — the next attempt waits 2 s, not the schedule's 400 ms.
    const busy = await receiver.waitFor('/busy', 2);
    expect(busy[1]!.at - busy[0]!.at).toBeGreaterThanOrEqual(1_950);

    // 410: one attempt, the endpoint is disabled with why.
    await waitForLog('gone', (l) => l[0]?.status === 'failed');
    const gone = (await requestOk(admin, ClientEvents.webhookList, {})).endpoints.find((e) => e.id === hooks.gone!.endpoint.id);
    expect(gone).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });

    // 503 every time: the schedule's four attempts, then failed.
    expect(await waitForLog('dead', (l) => l[0]?.status === 'failed')).toEqual([expect.objectContaining({ status: 'failed', attempts: 4, lastStatusCode: 503 })]);
    expect(receiver.callsTo('/dead')).toHaveLength(4);

    // No answer: each attempt ends at the time-out.
    const slow = await waitForLog('slow', (l) => l[0]?.attempts === 2);
    expect(slow[0]).toMatchObject({ status: 'pending', lastError: expect.stringContaining(`no answer within ${TimeoutMs} ms`), nextAttemptAt: expect.any(String) });

    // The course filter: an endpoint for another course got nothing.
    expect(receiver.callsTo('/other-course')).toEqual([]);
    expect(receiver.callsTo('/gone')).toHaveLength(1);
  });

  it('signs with both secrets while a rotation overlaps, then with the new one only', async () => {
    const old = hooks.ok!.secret;
    const rotated = await requestOk(admin, ClientEvents.webhookRotateSecret, { endpointId: hooks.ok!.endpoint.id, overlapMinutes: 60 });
    expect(rotated.secret).not.toEqual(old);
    expect(rotated.endpoint.previousSecretExpiresAt).toEqual(expect.any(String));
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId });
    const [, closed] = await receiver.waitFor('/ok', 2);
    expect(JSON.parse(closed!.body)).toMatchObject({ type: `edu.classconnect.${closedV2}`, data: { sessionId } });
    expect(verifyStandardWebhook(closed!, [old, rotated.secret]).sort()).toEqual([old, rotated.secret].sort());

    const again = await requestOk(admin, ClientEvents.webhookRotateSecret, { endpointId: hooks.ok!.endpoint.id, overlapMinutes: 0 });
    expect(again.endpoint.previousSecretExpiresAt).toBeUndefined();
    const test = await requestOk(admin, ClientEvents.webhookTest, { endpointId: hooks.ok!.endpoint.id });
    expect(test).toMatchObject({ ok: true, statusCode: 204 });
    const [, , testCall] = await receiver.waitFor('/ok', 3);
    expect(verifyStandardWebhook(testCall!, [old, rotated.secret, again.secret])).toEqual([again.secret]);
    expect(JSON.parse(testCall!.body)).toMatchObject({ id: test.eventId, type: WebhookTestEventType, data: { endpointId: hooks.ok!.endpoint.id } });
  });

  it('keeps a delivery log admins read, sends a test event on request, and removes an endpoint', async () => {
    const log = await deliveries('ok');
    expect(log.map((d) => [d.eventType, d.status, d.attempts])).toEqual(
      expect.arrayContaining([
        [`edu.classconnect.${opened}`, 'succeeded', 1],
        [`edu.classconnect.${closedV2}`, 'succeeded', 1],
        [WebhookTestEventType, 'succeeded', 1],
      ]),
    );
    expect(log.every((d) => d.lastStatusCode === 204 && typeof d.lastAttemptAt === 'string')).toBe(true);
    // A test to the endpoint that answers 410: reported, not hidden.
    await expect(requestOk(admin, ClientEvents.webhookTest, { endpointId: hooks.gone!.endpoint.id })).resolves.toMatchObject({ ok: false, statusCode: 410 });
    await expect(request(admin, ClientEvents.webhookTest, { endpointId: randomUUID() })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.WEBHOOK_NOT_FOUND } });

    await requestOk(admin, ClientEvents.webhookDelete, { endpointId: hooks.ok!.endpoint.id });
    expect((await requestOk(admin, ClientEvents.webhookList, {})).endpoints.map((e) => e.id)).not.toContain(hooks.ok!.endpoint.id);
    const before = receiver.callsTo('/ok').length;
    const other = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: here });
    await receiver.waitFor('/flaky', 4); // the next event reached a remaining endpoint…
    expect(receiver.callsTo('/ok')).toHaveLength(before); // …and none the removed one
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: other.sessionId });
  });
});
