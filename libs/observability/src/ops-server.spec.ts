import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metrics } from './metrics.js';
import { readiness, startOpsServer, type OpsServer } from './ops-server.js';

describe('readiness', () => {
  it('is ready only when every check passes, and names what failed', async () => {
    const ok = await readiness([{ name: 'nats', check: async () => undefined }]);
    expect(ok).toEqual({ ok: true, body: { status: 'ok', checks: { nats: 'ok' } } });
    const bad = await readiness([
      { name: 'nats', check: async () => undefined },
      { name: 'redis', check: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
      { name: 'consumers', check: async () => 'consumer report down' },
    ]);
    expect(bad).toEqual({ ok: false, body: { status: 'unavailable', checks: { nats: 'ok', redis: 'connect ECONNREFUSED', consumers: 'consumer report down' } } });
  });

  it('counts a check that hangs as failed after a second', async () => {
    const report = await readiness([{ name: 'postgres', check: () => new Promise(() => {}) }]);
    expect(report.ok).toBe(false);
    expect(report.body.checks.postgres).toMatch(/no answer within 1000 ms/);
  });

  it('is not ready while draining, whatever the checks say', async () => {
    expect(await readiness([{ name: 'nats', check: async () => undefined }], true)).toEqual({ ok: false, body: { status: 'draining', checks: { nats: 'ok' } } });
  });
});

describe('ops server', () => {
  let server: OpsServer;
  let redisUp = true;
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  beforeAll(async () => {
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      checks: () => [{ name: 'redis', check: async () => (redisUp ? undefined : 'Redis does not answer') }],
    });
  });
  afterAll(() => server.close());

  it('answers live, ready (200, then 503 naming the failed check) and 404 elsewhere', async () => {
    expect((await fetch(url('/health/live'))).status).toBe(200);
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { redis: 'ok' } });
    redisUp = false;
    const down = await fetch(url('/health/ready'));
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', checks: { redis: 'Redis does not answer' } });
    redisUp = true;
    const missing = await fetch(url('/nope'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('serves Prometheus text with the process metrics and ours', async () => {
    Metrics.verdicts.inc({ outcome: 'rejected', reason: 'OUTSIDE_GEOFENCE' });
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^process_cpu_seconds_total\{service="[^"]+"\} \d/m);
    expect(text).toMatch(/^cc_checkin_verdicts_total\{outcome="rejected",reason="OUTSIDE_GEOFENCE",service="[^"]+"\} 1$/m);
  });

  it('turns not ready when draining, while live still answers', async () => {
    server.startDraining();
    expect((await fetch(url('/health/ready'))).status).toBe(503);
    expect((await fetch(url('/health/live'))).status).toBe(200);
  });
});
