import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { DeliveryService, signingSecrets, type StreamedEvent } from './delivery.service.js';
import { newWebhookSecret } from './signer.js';
import { FakeDeliveryLog, FakeEndpointStore, FakeTransport } from './testing/fakes.js';
import type { WebhookEndpoint } from './webhook.repository.js';

const schedule = [0, 5_000, 300_000];
const courseA = '11111111-1111-4111-8111-111111111111';
const event: StreamedEvent = { subject: 'attendance.mark.recorded.v2', id: 'mark.v2:s:a', type: 'edu.classconnect.attendance.mark.recorded.v2', body: '{"id":"mark.v2:s:a"}', courseId: courseA };

describe('DeliveryService', () => {
  let clock: SettableClock;
  let endpoints: FakeEndpointStore;
  let log: FakeDeliveryLog;
  let endpoint: WebhookEndpoint;

  const service = (transport: FakeTransport) => new DeliveryService(endpoints, log, transport, clock, { WEBHOOK_RETRY_SCHEDULE: schedule, WEBHOOK_TIMEOUT_MS: 15_000 });

  beforeEach(async () => {
    clock = new SettableClock(new Date('2026-12-07T09:00:00Z'));
    endpoints = new FakeEndpointStore();
    log = new FakeDeliveryLog(endpoints);
    endpoint = { id: 'e1', url: 'https://lms.example.edu/hook', eventTypes: [event.subject], secret: newWebhookSecret(), enabled: true, createdBy: 'u', createdAt: clock.now(), updatedAt: clock.now() };
    await endpoints.insert(endpoint);
  });

  it('signs the body with the endpoint secret (Standard Webhooks) and records the success', async () => {
    const transport = new FakeTransport([{ statusCode: 204 }]);
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({});
    const [sent] = transport.sent;
    expect(sent).toMatchObject({ url: endpoint.url, address: { address: '93.184.216.34' }, body: event.body, timeoutMs: 15_000 });
    const ts = String(clock.now().getTime() / 1000);
    const expected = createHmac('sha256', Buffer.from(endpoint.secret.slice(6), 'base64')).update(`${event.id}.${ts}.${event.body}`).digest('base64');
    expect(sent!.headers).toMatchObject({ 'webhook-id': event.id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${expected}` });
    expect([...log.rows.values()]).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 1, lastStatusCode: 204 })]);
    // A redelivery of the same event sends nothing more.
    await service(transport).deliver('e1', event);
    expect(transport.sent).toHaveLength(1);
  });

  it('retries on the schedule, then fails the delivery', async () => {
    const transport = new FakeTransport([{ statusCode: 500 }, { error: 'ECONNREFUSED' }, { statusCode: 502 }]);
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({ retryInMs: 5_000 });
    clock.advance(5_000);
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({ retryInMs: 300_000 });
    clock.advance(300_000);
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({});
    expect([...log.rows.values()]).toEqual([expect.objectContaining({ status: 'failed', attempts: 3, lastStatusCode: 502 })]);
  });

  it('waits out the rest of the delay when the message comes back early', async () => {
    const transport = new FakeTransport([{ statusCode: 503 }]);
    await service(transport).deliver('e1', event);
    clock.advance(1_000);
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({ retryInMs: 4_000 });
    expect(transport.sent).toHaveLength(1);
  });

  it('disables the endpoint on 410', async () => {
    await expect(service(new FakeTransport([{ statusCode: 410 }])).deliver('e1', event)).resolves.toEqual({ endpointDisabled: true });
    expect(endpoints.rows.get('e1')).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    expect([...log.rows.values()]).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, lastStatusCode: 410 })]);
  });

  it('counts an address the guard refuses as a failed attempt and sends nothing', async () => {
    const transport = new FakeTransport([]);
    transport.refuse = true;
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({ retryInMs: 5_000 });
    expect(transport.sent).toEqual([]);
    expect([...log.rows.values()]).toEqual([expect.objectContaining({ status: 'pending', attempts: 1, lastError: expect.stringContaining('address refused') })]);
  });

  it('sends nothing for another course, another type, a disabled or a removed endpoint', async () => {
    const transport = new FakeTransport([]);
    await endpoints.save({ ...endpoint, courseIds: ['22222222-2222-4222-8222-222222222222'] });
    await service(transport).deliver('e1', event);
    await endpoints.save({ ...endpoint, eventTypes: ['attendance.session.opened.v1'] });
    await service(transport).deliver('e1', event);
    await endpoints.save({ ...endpoint, enabled: false });
    await service(transport).deliver('e1', event);
    await endpoints.delete('e1');
    await expect(service(transport).deliver('e1', event)).resolves.toEqual({});
    expect(transport.sent).toEqual([]);
  });

  it('signs with both secrets during a rotation’s overlap, and only the new one after it', () => {
    const rotated = { ...endpoint, secret: 'whsec_new', previousSecret: 'whsec_old', previousSecretExpiresAt: new Date(clock.nowMs() + 60_000) };
    expect(signingSecrets(rotated, clock.now())).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(rotated, new Date(clock.nowMs() + 60_001))).toEqual(['whsec_new']);
  });
});
