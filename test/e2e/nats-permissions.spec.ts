/**
 * Least privilege on the wire: a NATS server started with the configuration scripts/nats-config.mjs
 * generates from the contracts (one user per service, each allowed only its own subjects), the five
 * services each with its own user, and a class run end to end — with no permission refused on the
 * way. Then, as a compromised report-service: it cannot forge another service's event, answer
 * another's commands or send commands it never sends; and a wrong password is refused.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ClientEvents, ErrorCode, EventSubjects, Rpc, ServerEvents, type Position } from '@classconnect/contracts';
import { NatsServices, inboxPrefixOf } from '@classconnect/messaging';
import { freePort, root, type ServiceName } from '@classconnect/runtime';
import { EventLog, offsetNorth, requestOk, seatClass, startTestSystem, waitFor, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 12 };
const natsServer = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

describe('per-service NATS users generated from the contracts', () => {
  let dir: string;
  let nats: ChildProcess;
  let natsUrl: string;
  let natsLog: string;
  const passwords = Object.fromEntries(NatsServices.map((s) => [s, randomBytes(18).toString('base64url')])) as Record<ServiceName, string>;
  let sys: TestSystem;
  let seated: Classroom;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'classconnect-nats-perms-'));
    const port = await freePort();
    natsUrl = `nats://127.0.0.1:${port}`;
    natsLog = join(dir, 'nats.log');
    writeFileSync(join(dir, 'passwords.json'), JSON.stringify(passwords), { mode: 0o600 });
    execFileSync(process.execPath, [join(root, 'scripts/nats-config.mjs'), '--port', String(port), '--store', join(dir, 'js'), '--passwords', join(dir, 'passwords.json'), '--out', join(dir, 'nats.conf')]);
    nats = spawn(natsServer, ['-c', join(dir, 'nats.conf'), '-l', natsLog], { stdio: 'ignore' });
    await waitFor(async () => {
      try {
        const nc = await connect({ servers: natsUrl, user: 'gateway', pass: passwords.gateway, inboxPrefix: inboxPrefixOf('gateway') });
        await nc.close();
        return true;
      } catch {
        return false;
      }
    }, 'the NATS server with the generated users');
    sys = await startTestSystem({ natsUrl, serviceEnv: (name) => ({ NATS_USER: name, NATS_PASSWORD: passwords[name] }) });
    seated = await seatClass(sys, 5);
  });

  afterAll(async () => {
    seated?.close();
    await sys?.stop();
    nats?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a class end to end with every service under its own user, and the server refuses nothing', async () => {
    const { cls, teacher, students } = seated;
    const reportReady = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 60 });
    await Promise.all(students.map((s) => s.opened.waitFor((o) => o.sessionId === session.sessionId)));
    const results = await Promise.all(students.map((s, i) => s.checkIn(session.sessionId, offsetNorth(room, i < 4 ? 5 * i : 900))));
    expect(results.map((r) => r.verdict)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'rejected']);
    expect(results[4]!.reason).toBe(ErrorCode.OUTSIDE_GEOFENCE);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await reportReady.waitFor((r) => r.sessionId === session.sessionId);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    expect(report.rows.filter((r) => r.status === 'present')).toHaveLength(4);
    expect(readFileSync(natsLog, 'utf8')).not.toMatch(/Permissions Violation/);
  });

  describe('as a compromised report-service', () => {
    let nc: NatsConnection;
    const errors: string[] = [];

    beforeAll(async () => {
      nc = await connect({ servers: natsUrl, user: 'report-service', pass: passwords['report-service'], inboxPrefix: inboxPrefixOf('report-service') });
      void (async () => {
        for await (const s of nc.status()) if (s.type === 'error') errors.push(String((s as { error?: unknown }).error));
      })();
    });
    afterAll(() => nc?.close());

    const refused = async (what: string) => {
      await nc.flush().catch(() => {});
      await waitFor(() => errors.some((e) => e.includes(what)), `the server to refuse ${what}`, 5_000);
    };

    it('cannot publish a check-in verdict (verification-service’s event)', async () => {
      nc.publish(EventSubjects.checkinVerified, '{}');
      await refused(`Publish to "${EventSubjects.checkinVerified}"`);
    });

    it('cannot serve session-service’s commands', async () => {
      nc.subscribe(Rpc.sessionStart, { queue: 'session-service' });
      await refused(`Subscription to "${Rpc.sessionStart}"`);
    });

    it('cannot send commands it never sends, nor read another service’s replies', async () => {
      await expect(nc.request(Rpc.sessionStop, '{}', { timeout: 2_000 })).rejects.toThrow();
      await refused(`Publish to "${Rpc.sessionStop}"`);
      nc.subscribe(`${inboxPrefixOf('gateway')}.>`);
      await refused(`Subscription to "${inboxPrefixOf('gateway')}.>"`);
    });

    it('is refused with a wrong password', async () => {
      await expect(connect({ servers: natsUrl, user: 'report-service', pass: 'not-the-password', reconnect: false })).rejects.toThrow(/Authorization/i);
    });
  });
});
