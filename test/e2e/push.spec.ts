/**
 * The class-start Web Push through the real system. A local HTTP server stands in for the push
 * service (PUSH_SERVICE_HOSTS names it, PUSH_ALLOW_HTTP lets it be plain HTTP); the test plays the
 * browser: it makes the subscription's P-256 key pair and auth secret, and decrypts what the server
 * receives itself (RFC 8291, aes128gcm, with node:crypto) after checking the VAPID signature
 * (RFC 8292). Then: a connected student gets nothing; a 410 drops the subscription; a sign-out and
 * a removed passkey drop theirs; a subscription to an address that is no push service is refused.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import webpush from 'web-push';
import { ClientEvents, ErrorCode, ServerEvents, type ClassStartPush, type Position } from '@classconnect/contracts';
import { Device, checkVapid } from './support/push-receiver.js';
import { EventLog, StudentClient, request, requestOk, seatClass, startTestSystem, waitFor, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 50.6292, longitude: 3.0573, accuracy: 10 };

/** What the stand-in push service received on one endpoint. */
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

describe('Web Push when class starts', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let server: Server;
  let origin: string;
  let db: pg.Client;
  const vapid = webpush.generateVAPIDKeys();
  const received: Received[] = [];
  /** What the stand-in answers per path (default 201). */
  const answers = new Map<string, number>();
  let ready: EventLog<typeof ServerEvents.reportReady>;
  const devices: Device[] = [];

  const subscriptions = async () =>
    ((await db.query('SELECT endpoint, user_id FROM report.push_subscriptions ORDER BY endpoint')).rows as { endpoint: string; user_id: string }[]).map((r) => r.endpoint);


  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = answers.get(req.url ?? '') ?? 201;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    sys = await startTestSystem({
      env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:it@uni.test', PUSH_SERVICE_HOSTS: `127.0.0.1:${port}`, PUSH_ALLOW_HTTP: 'true' },
    });
    klass = await seatClass(sys, 4);
    ready = new EventLog(klass.teacher, ServerEvents.reportReady);
    db = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await db.connect();
    for (let i = 0; i < 4; i++) devices.push(new Device(`${origin}/push/device-${i}`));
  });

  afterAll(async () => {
    await db?.end();
    klass?.close();
    await sys?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('gives the VAPID public key and stores a device’s subscription, refusing an address that is no push service', async () => {
    await expect(requestOk(klass.students[0]!.socket, ClientEvents.pushConfig, {})).resolves.toEqual({ publicKey: vapid.publicKey });
    const elsewhere = { ...devices[0]!.subscription, endpoint: 'http://169.254.169.254/latest/meta-data' };
    await expect(request(klass.students[0]!.socket, ClientEvents.pushSubscribe, { subscription: elsewhere })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    await expect(request(klass.students[0]!.socket, ClientEvents.pushSubscribe, { subscription: { ...devices[0]!.subscription, keys: { p256dh: 'short', auth: 'x' } } })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED },
    });
    for (let i = 0; i < 4; i++) {
      await expect(requestOk(klass.students[i]!.socket, ClientEvents.pushSubscribe, { subscription: devices[i]!.subscription })).resolves.toEqual({ endpoint: devices[i]!.endpoint, subscribed: true });
    }
    expect(await subscriptions()).toHaveLength(4);
  });

  it('sends an encrypted, VAPID-signed notification to the students whose app is closed, and none to those connected', async () => {
    // Students 0, 2 and 3 close the app; student 1 keeps it open.
    for (const i of [0, 2, 3]) klass.students[i]!.close();
    const { sessionId } = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50 });
    await waitFor(() => received.length >= 3, 'three pushes', 15_000);
    await new Promise((r) => setTimeout(r, 500)); // a fourth would come by now
    expect(received.map((r) => r.path).sort()).toEqual(['/push/device-0', '/push/device-2', '/push/device-3']);
    for (const r of received) {
      expect(r.headers['content-encoding']).toBe('aes128gcm');
      expect(r.headers.urgency).toBe('high');
      expect(Number(r.headers.ttl)).toBeGreaterThan(0);
      expect(checkVapid(r.headers.authorization, vapid.publicKey, origin)).toMatchObject({ sub: 'mailto:it@uni.test' });
      const device = devices[Number(r.path.slice(-1))]!;
      const push = JSON.parse(device.decrypt(r.body)) as ClassStartPush;
      expect(push).toEqual({
        kind: 'session-opened',
        sessionId,
        courseId: klass.cls.courseId,
        courseCode: klass.cls.courseCode,
        courseTitle: expect.any(String),
        openedAt: expect.any(String),
        url: `/checkin?session=${sessionId}`,
      });
      // Another device's keys cannot read it.
      expect(() => devices[1]!.decrypt(r.body)).toThrow();
    }
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId });
    await ready.waitFor((r) => r.sessionId === sessionId);
  });

  it('drops a subscription the push service says is gone (410), one whose sign-in ended, and one whose passkey was removed', async () => {
    // Student 2's device: gone at the push service.
    answers.set('/push/device-2', 410);
    // Student 3 signs in again, subscribes this sign-in's device, and signs out of it.
    const token = await sys.signIn(klass.cls.students[3]!.email, klass.cls.students[3]!.password);
    const three = await StudentClient.connect(sys.gatewayUrl, sys.origin, token);
    await requestOk(three.socket, ClientEvents.pushSubscribe, { subscription: devices[3]!.subscription });
    three.close();
    const out = await fetch(`${sys.gatewayUrl}/api/auth/sign-out`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
    expect(out.status).toBe(200);
    await waitFor(async () => !(await subscriptions()).includes(devices[3]!.endpoint), 'the signed-out device’s subscription to go');
    // Student 1's device holds a passkey; removing that passkey drops the subscription.
    const { passkeys } = await requestOk(klass.students[1]!.socket, ClientEvents.passkeyList, {});
    const credentialId = passkeys[0]!.credentialId;
    await requestOk(klass.students[1]!.socket, ClientEvents.pushSubscribe, { subscription: devices[1]!.subscription, credentialId });
    await requestOk(klass.students[1]!.socket, ClientEvents.passkeyRemove, { credentialId });
    await waitFor(async () => !(await subscriptions()).includes(devices[1]!.endpoint), 'the removed passkey’s subscription to go');

    received.length = 0;
    const { sessionId } = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50 });
    await waitFor(() => received.length >= 2, 'pushes to devices 0 and 2', 15_000);
    await waitFor(async () => !(await subscriptions()).includes(devices[2]!.endpoint), 'the 410 device’s subscription to go');
    expect(received.map((r) => r.path).sort()).toEqual(['/push/device-0', '/push/device-2']);
    expect(await subscriptions()).toEqual([devices[0]!.endpoint]);
    await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId });
  });

  it('stops when the device turns notifications off', async () => {
    const token = await sys.signIn(klass.cls.students[0]!.email, klass.cls.students[0]!.password);
    const zero = await StudentClient.connect(sys.gatewayUrl, sys.origin, token);
    await expect(requestOk(zero.socket, ClientEvents.pushUnsubscribe, { endpoint: devices[0]!.endpoint })).resolves.toEqual({ endpoint: devices[0]!.endpoint, removed: true });
    zero.close();
    expect(await subscriptions()).toEqual([]);
  });
});
