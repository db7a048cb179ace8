/**
 * Operations, as Kubernetes and Prometheus see each process: /health/live, /health/ready and
 * /metrics on every service (the gateway on its own port, the others on OPS_PORT), readiness that
 * follows a dependency going away and coming back, the metrics a check-in moves, the correlation id
 * that follows a check-in through the services' logs, and a gateway's SIGTERM drain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ClientEvents, ErrorCode, EventSubjects, ServerEvents, Streams, type Position } from '@classconnect/contracts';
import * as services from '@classconnect/runtime';
import { freePort, type ServiceName } from '@classconnect/runtime';
import { EventLog, connectSocket, offsetNorth, requestOk, seatClass, startTestSystem, waitFor, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 12 };

/** What each service's readiness checks, beside nothing else. */
const Checks: Record<ServiceName, string[]> = {
  gateway: ['consumers', 'nats'],
  'session-service': ['consumers', 'nats', 'redis'],
  'verification-service': ['consumers', 'nats', 'postgres', 'redis'],
  'report-service': ['consumers', 'nats', 'postgres'],
  'identity-service': ['consumers', 'nats', 'postgres'],
  'integration-service': ['consumers', 'nats', 'postgres'],
};

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** One sample of a Prometheus text answer: the value of `name` whose labels include all of `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('operations endpoints', () => {
  let sys: TestSystem;
  let seated: Classroom;

  beforeAll(async () => {
    // Debug lines too: the RPC servers and consumers say what they served, with the correlation id.
    sys = await startTestSystem({ env: { LOG_LEVEL: 'debug' } });
    seated = await seatClass(sys, 3);
  });

  afterAll(async () => {
    seated?.close();
    await sys?.stop();
  });

  it('every service is live and ready, with the checks it needs, and serves its metrics', async () => {
    for (const name of services.ServiceNames) {
      const base = sys.opsUrl(name);
      if (name !== 'gateway') expect(base).not.toBe(sys.gatewayUrl);
      expect(await get(`${base}/health/live`)).toMatchObject({ status: 200 });
      const ready = await get(`${base}/health/ready`);
      expect({ name, status: ready.status }).toEqual({ name, status: 200 });
      const body = JSON.parse(ready.body) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('ok');
      expect(Object.keys(body.checks).sort()).toEqual(Checks[name]);
      expect(Object.values(body.checks).every((v) => v === 'ok')).toBe(true);
      const metrics = await get(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      const memory = sample(metrics.body, 'process_resident_memory_bytes', { service: name });
      expect({ name, memory: memory! > 0, head: memory ? '' : metrics.body.slice(0, 300) }).toEqual({ name, memory: true, head: '' });
      expect(sample(metrics.body, 'nodejs_eventloop_lag_seconds', { service: name })).toBeGreaterThanOrEqual(0);
    }
  });

  it('a check-in moves the latency histogram, the verdicts, sockets, NATS timings and consumer lag; its correlation id is in every service it crossed', async () => {
    const { cls, teacher, students } = seated;
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
    await Promise.all(students.map((s) => s.opened.waitFor((o) => o.sessionId === session.sessionId)));
    const [inside, outside] = await Promise.all([students[0]!.checkIn(session.sessionId, offsetNorth(room, 5)), students[1]!.checkIn(session.sessionId, offsetNorth(room, 900))]);
    expect(inside.verdict).toBe('accepted');
    expect(outside.reason).toBe(ErrorCode.OUTSIDE_GEOFENCE);

    const gateway = (await get(`${sys.gatewayUrl}/metrics`)).body;
    expect(sample(gateway, 'cc_checkin_submit_to_verdict_seconds_count')).toBe(2);
    expect(sample(gateway, 'cc_checkin_submit_to_verdict_seconds_sum')).toBeGreaterThan(0);
    expect(sample(gateway, 'cc_checkin_verdicts_total', { outcome: 'accepted' })).toBe(1);
    expect(sample(gateway, 'cc_checkin_verdicts_total', { outcome: 'rejected', reason: 'OUTSIDE_GEOFENCE' })).toBe(1);
    expect(sample(gateway, 'cc_gateway_connected_sockets')).toBe(4); // the teacher and three students
    expect(sample(gateway, 'cc_nats_request_duration_seconds_count', { subject: 'cc.session.start.v1', outcome: 'ok' })).toBe(1);

    // verification asked session-service for the check-in's context; report-service follows its consumer's lag.
    const verification = (await get(`${sys.opsUrl('verification-service')}/metrics`)).body;
    expect(sample(verification, 'cc_nats_request_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    await waitFor(async () => sample((await get(`${sys.opsUrl('report-service')}/metrics`)).body, 'cc_consumer_pending_messages') === 0, 'the report consumer to have no lag');

    // The correlation id the verified event carries is on the lines both services wrote for it.
    const nc = await connect({ servers: sys.env.NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const stored = await jsm.streams.getMessage(Streams.attendance.name, { last_by_subj: EventSubjects.checkinVerified });
      const event = stored!.json<{ correlationid?: string; data: { submissionId: string } }>();
      expect(event.data.submissionId).toBe(inside.submissionId);
      const correlationId = event.correlationid!;
      expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
      for (const name of ['verification-service', 'session-service'] as const) {
        const lines = readFileSync(join(sys.logDir, `${name}.log`), 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { correlationId?: string; service: string });
        const tagged = lines.filter((l) => l.correlationId === correlationId);
        expect({ name, tagged: tagged.length > 0 }).toEqual({ name, tagged: true });
        expect(tagged.every((l) => l.service === name)).toBe(true);
      }
    } finally {
      await nc.close();
    }
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
  });

  it('a service whose Redis is gone is not ready, says why and counts the errors; ready again once Redis is back', async () => {
    const session = sys.opsUrl('session-service');
    await sys.stopServer('redis');
    try {
      await waitFor(async () => (await get(`${session}/health/ready`)).status === 503, 'session-service to say it is not ready');
      const body = JSON.parse((await get(`${session}/health/ready`)).body) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('unavailable');
      expect(body.checks.redis).not.toBe('ok');
      expect(body.checks.nats).toBe('ok');
      expect((await get(`${session}/health/live`)).status).toBe(200);
      expect((await get(`${sys.opsUrl('report-service')}/health/ready`)).status).toBe(200); // no Redis there
      expect(sample((await get(`${session}/metrics`)).body, 'cc_dependency_errors_total', { dependency: 'redis' })).toBeGreaterThan(0);
    } finally {
      await sys.startServer('redis');
    }
    await waitFor(async () => (await get(`${session}/health/ready`)).status === 200, 'session-service to be ready again', 30_000);
  });

  it('a gateway told SIGTERM stops being ready, tells its clients server:reconnect, closes them and exits', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const second = services.startService('gateway', { ...sys.env, GATEWAY_PORT: String(port) }, { logDir: join(sys.logDir, 'draining-gateway') });
    await second.ready;
    const student = seated.cls.students[2]!;
    const socket = await connectSocket(url, await sys.signIn(student.email, student.password));
    const notices = new EventLog(socket, ServerEvents.serverReconnect);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    try {
      second.child.kill('SIGTERM');
      const notice = await notices.waitFor(() => true, 5_000);
      expect(notice).toEqual({ reason: 'shutdown', closesInMs: expect.any(Number) });
      // Closing the transport, not a Socket.IO disconnect: a client reconnects by itself.
      expect(await closed).toBe('transport close');
      // Nest ends the process with the signal it received once everything is closed.
      const exit = await second.exited;
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    } finally {
      socket.close();
      await services.stopService(second, 'SIGKILL');
    }
  });
});
