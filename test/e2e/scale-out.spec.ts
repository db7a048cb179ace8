/**
 * Scale-out, proven: three gateways and two instances of every other service, the students behind
 * a round-robin TCP balancer this test runs (as a Kubernetes Service does), a class of 100.
 *
 * Mid-session one gateway gets SIGTERM (a rolling update: it tells its clients server:reconnect and
 * closes them), another is killed outright, and one instance of every other service is killed.
 * Their students reconnect through the balancer and finish. The teacher, on the gateway that stays,
 * sees every arrival; every student gets their own result; the report lists each student once;
 * the session's maximum-length sweep and the evidence-retention sweep, run by two instances each,
 * act once.
 */
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { ClientEvents, ErrorCode, ServerEvents, type CheckinResult, type Position, type ServerPayloads } from '@classconnect/contracts';
import * as services from '@classconnect/runtime';
import { freePort, type ServiceHandle, type ServiceName } from '@classconnect/runtime';
import {
  EventLog,
  SoftAuthenticator,
  connectSocket,
  offsetNorth,
  request,
  requestOk,
  startTestSystem,
  waitFor,
  type ClassFixture,
  type TestSystem,
} from '@classconnect/testing';

const room: Position = { latitude: 48.8462, longitude: 2.3447, accuracy: 12 };
const ClassSize = 100;
/** The session closes itself this long after it opened: the sweep this spec watches run once. */
const MaxLengthSeconds = 120;

/** A round-robin TCP balancer: each new connection goes to the next backend that accepts it. */
class Balancer {
  private next = 0;
  private readonly server: net.Server;
  readonly sockets = new Set<net.Socket>();

  constructor(readonly backends: number[]) {
    this.server = net.createServer((client) => this.route(client));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  private route(client: net.Socket, tried = 0): void {
    if (tried >= this.backends.length) return void client.destroy();
    const port = this.backends[this.next++ % this.backends.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    client.pause();
    upstream.once('connect', () => {
      client.pipe(upstream).pipe(client);
      client.resume();
      this.sockets.add(client);
      client.once('close', () => this.sockets.delete(client));
    });
    // A backend that refuses (stopped, or draining: it listens no more) is skipped, as a Service skips a pod that is not ready.
    upstream.once('error', () => {
      if (upstream.readyState !== 'open' && !client.destroyed && !this.sockets.has(client)) this.route(client, tried + 1);
      else client.destroy();
    });
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A student's phone that reconnects through the balancer whenever its connection is lost, as socket.io-client would. */
class RoamingStudent {
  socket!: Socket;
  readonly authenticator = new SoftAuthenticator();
  readonly results = new Map<string, CheckinResult>();
  readonly notices: ServerPayloads[typeof ServerEvents.serverReconnect][] = [];
  reconnects = 0;
  private closed = false;
  private connecting?: Promise<void>;

  constructor(
    readonly id: string,
    private readonly url: string,
    private readonly origin: string,
    private readonly token: string,
  ) {}

  async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const socket = await connectSocket(this.url, this.token, { deviceId: `phone-${this.id}` });
        socket.on(ServerEvents.checkinResult, (r: CheckinResult) => this.results.set(r.submissionId, r));
        socket.on(ServerEvents.serverReconnect, (n: ServerPayloads[typeof ServerEvents.serverReconnect]) => this.notices.push(n));
        socket.once('disconnect', () => {
          if (this.closed) return;
          this.reconnects++;
          this.connecting = this.connect();
        });
        this.socket = socket;
        return;
      } catch (err) {
        // Refused by a draining gateway, or the balancer found none: try again shortly.
        if (attempt >= 40) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Resolves once a connection is up (after a reconnect in progress). */
  async connected(): Promise<Socket> {
    while (this.connecting || !this.socket.connected) {
      await (this.connecting ?? new Promise((r) => setTimeout(r, 100)));
      this.connecting = undefined;
    }
    return this.socket;
  }

  async registerPasskey(): Promise<void> {
    const socket = await this.connected();
    const options = await requestOk(socket, ClientEvents.passkeyOptions, {});
    const response = await this.authenticator.createCredential(options, { origin: this.origin });
    await requestOk(socket, ClientEvents.passkeyRegister, { response, deviceName: 'Phone' });
  }

  /**
   * Checks in as a phone does across a lost connection: the same idempotency key on every try; an
   * answer lost with the connection is asked again. `ALREADY_CHECKED_IN` from checkin:begin means an
   * earlier try was accepted (docs/protocol.md §1.4); the report is the judge of that.
   */
  async checkIn(sessionId: string, position: Position): Promise<CheckinResult | 'accepted-earlier'> {
    const key = randomUUID();
    for (let attempt = 1; attempt <= 30; attempt++) {
      try {
        const socket = await this.connected();
        const begin = await request(socket, ClientEvents.checkinBegin, { sessionId }, 10_000);
        if (!begin.ok) {
          if (begin.error.code === ErrorCode.ALREADY_CHECKED_IN) return 'accepted-earlier';
          if (begin.error.code === ErrorCode.SERVICE_UNAVAILABLE || begin.error.code === ErrorCode.RATE_LIMITED) throw new Error(begin.error.code);
          throw Object.assign(new Error(`checkin:begin refused: ${begin.error.code}`), { final: true });
        }
        const assertion = await this.authenticator.getAssertion(begin.data.options, { origin: this.origin });
        const ack = await request(socket, ClientEvents.checkinSubmit, { sessionId, assertion, position, idempotencyKey: key }, 10_000);
        if (!ack.ok) {
          if (ack.error.code === ErrorCode.SERVICE_UNAVAILABLE || ack.error.code === ErrorCode.RATE_LIMITED) throw new Error(ack.error.code);
          throw Object.assign(new Error(`checkin:submit refused: ${ack.error.code}`), { final: true });
        }
        if (ack.data.status === 'decided' && ack.data.result) return ack.data.result;
        const { submissionId } = ack.data;
        return await waitFor(() => this.results.get(submissionId), `the verdict of ${this.id}`, 15_000);
      } catch (err) {
        if ((err as { final?: boolean }).final || attempt === 30) throw err;
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
      }
    }
    throw new Error('unreachable');
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }
}

const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : undefined;
};

/** Every JSON line of the logs in `dir` and its sub-folders whose file name starts with `service`. */
function logLines(dir: string, service: string): { msg: string; sessions?: number; sessionId?: string }[] {
  const out: { msg: string; sessions?: number; sessionId?: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.startsWith(service) || !entry.name.endsWith('.log')) continue;
    for (const line of readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n')) {
      if (line.startsWith('{')) out.push(JSON.parse(line) as { msg: string });
    }
  }
  return out;
}

describe('scale-out: three gateways and two of every service behind a balancer', () => {
  let sys: TestSystem;
  let balancer: Balancer;
  let lbUrl: string;
  let origin: string;
  const extra: ServiceHandle[] = [];
  const gateways: { handle: ServiceHandle; url: string; port: number }[] = [];
  let cls: ClassFixture;
  let teacher: Socket;
  let students: RoamingStudent[] = [];

  beforeAll(async () => {
    const lbPort = await freePort();
    lbUrl = `http://127.0.0.1:${lbPort}`;
    origin = `http://localhost:${lbPort}`;
    sys = await startTestSystem({
      env: {
        WEBAUTHN_ORIGINS: origin,
        PUBLIC_ORIGIN: origin,
        SESSION_MAX_LENGTH_SECONDS: String(MaxLengthSeconds),
        SESSION_SWEEP_INTERVAL_MS: '500',
        EVIDENCE_RETENTION_DAYS: '0',
        EVIDENCE_SWEEP_INTERVAL_MS: '500',
      },
    });
    // A second instance of every service but the gateway, and two more gateways.
    for (const name of ['identity-service', 'session-service', 'verification-service', 'report-service'] as ServiceName[]) {
      extra.push(services.startService(name, sys.env, { logDir: sys.logDir, instance: 2 }));
    }
    for (const n of [2, 3]) {
      const port = await freePort();
      const handle = services.startService('gateway', { ...sys.env, GATEWAY_PORT: String(port) }, { logDir: sys.logDir, instance: n });
      extra.push(handle);
      gateways.push({ handle, url: `http://127.0.0.1:${port}`, port });
    }
    await Promise.all(extra.map((h) => h.ready));
    // Students come in through the balancer over the first two extra gateways and the original one.
    const firstPort = Number(new URL(sys.gatewayUrl).port);
    balancer = new Balancer([firstPort, gateways[0]!.port, gateways[1]!.port]);
    await balancer.listen(lbPort);

    cls = await sys.createClass(ClassSize);
    // The teacher sits on the third gateway, which stays up throughout.
    teacher = await connectSocket(gateways[1]!.url, await sys.signIn(cls.teacher.email, cls.teacher.password));
    // 25 at a time: eleven services that have just started on two cores, all handshakes at once,
    // could keep a phone waiting longer than its retries (CI saw three give up).
    for (let i = 0; i < cls.students.length; i += 25) {
      const joined = await Promise.all(
        cls.students.slice(i, i + 25).map(async (s) => {
          const student = new RoamingStudent(s.id, lbUrl, origin, await sys.signIn(s.email, s.password));
          await student.connect();
          return student;
        }),
      );
      students.push(...joined);
    }
    for (let i = 0; i < students.length; i += 25) await Promise.all(students.slice(i, i + 25).map((s) => s.registerPasskey()));
  });

  afterAll(async () => {
    students.forEach((s) => s.close());
    teacher?.close();
    await balancer?.close();
    await Promise.all(extra.map((h) => services.stopService(h, 'SIGKILL')));
    await sys?.stop();
  });

  it('a class of 100 spread over the gateways finishes through a rolling update, a crash of another gateway and of one instance of every service', async () => {
    const urls = [sys.gatewayUrl, ...gateways.map((g) => g.url)];
    // Round robin: every gateway holds about a third of the class.
    const spread = await Promise.all(urls.map((u) => metric(u, 'cc_gateway_connected_sockets')));
    expect(spread.reduce((a, b) => a! + b!, 0)).toBe(ClassSize + 1);
    for (const count of spread) expect(count).toBeGreaterThanOrEqual(20);

    const roster = new EventLog(teacher, ServerEvents.rosterUpdate);
    const closedPush = new EventLog(teacher, ServerEvents.sessionClosed);
    const reportReady = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 80 });

    const checkIn = (group: RoamingStudent[]) => Promise.all(group.map((s, i) => s.checkIn(session.sessionId, offsetNorth(room, (i % 10) * 5))));
    const outcomes: (CheckinResult | 'accepted-earlier')[] = [];

    // First a third of the class, with everything up.
    outcomes.push(...(await checkIn(students.slice(0, 34))));

    // The next third while the first gateway is replaced (SIGTERM) and one instance of every other service dies.
    const second = checkIn(students.slice(34, 67));
    const draining = sys.kill('gateway', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(extra.slice(0, 4).map((h) => services.stopService(h, 'SIGKILL')));
    outcomes.push(...(await second));
    await draining;

    // The last third while the second gateway crashes outright.
    const third = checkIn(students.slice(67));
    await new Promise((r) => setTimeout(r, 200));
    await services.stopService(gateways[0]!.handle, 'SIGKILL');
    outcomes.push(...(await third));

    process.stderr.write(
      `[scale-out] sockets per gateway at start ${spread.join('/')}; pushed verdicts ${outcomes.filter((o) => o !== 'accepted-earlier').length}, ` +
        `accepted-earlier ${outcomes.filter((o) => o === 'accepted-earlier').length}; students told server:reconnect ${students.filter((s) => s.notices.length > 0).length}, ` +
        `students that reconnected ${students.filter((s) => s.reconnects > 0).length}\n`,
    );
    // Every student got their own answer, every one an acceptance (or the word that an earlier try was accepted).
    expect(outcomes).toHaveLength(ClassSize);
    const refused = outcomes.filter((o) => o !== 'accepted-earlier' && o.verdict !== 'accepted');
    expect(refused).toEqual([]);
    // The drained gateway's students were told to reconnect and did; the crashed one's reconnected too.
    expect(students.filter((s) => s.notices.some((n) => n.reason === 'shutdown')).length).toBeGreaterThan(0);
    // Every student ends on the gateway left; those of the crashed one may have had their answer before
    // the crash, and come back only after it, so this is waited for before their reconnections are counted.
    // At least every student and the teacher: a socket whose client has already moved on can still be
    // counted until its transport notices (the ping), so the count may briefly run over.
    await waitFor(async () => ((await metric(gateways[1]!.url, 'cc_gateway_connected_sockets')) ?? 0) >= ClassSize + 1, 'every student on the gateway left', 60_000);
    expect(students.filter((s) => s.reconnects > 0).length).toBeGreaterThanOrEqual(40);

    // The teacher, on the gateway that stayed, saw every student arrive, each once.
    await roster.waitFor(() => new Set(roster.items.filter((u) => u.state === 'present').map((u) => u.studentId)).size === ClassSize, 30_000);
    const present = roster.items.filter((u) => u.state === 'present').map((u) => u.studentId);
    expect(new Set(present)).toEqual(new Set(cls.students.map((s) => s.id)));

    // Nobody presses Stop: the two session-service instances' sweeps close it once at its maximum length.
    const closed = await closedPush.waitFor((c) => c.sessionId === session.sessionId, (MaxLengthSeconds + 60) * 1_000);
    expect(closed.closeReason).toBe('max-length');
    await reportReady.waitFor((r) => r.sessionId === session.sessionId, 60_000);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    const ids = report.rows.map((r) => r.studentId);
    expect(ids).toHaveLength(ClassSize);
    expect(new Set(ids).size).toBe(ClassSize);
    expect(report.rows.filter((r) => r.status === 'present' || r.status === 'late')).toHaveLength(ClassSize);
    expect(report.incomplete).toBeUndefined();
    expect(closedPush.items.filter((c) => c.sessionId === session.sessionId)).toHaveLength(1);

    // Sweeps by two instances, done once: one close by the maximum length, one removal of the session's evidence.
    const sweepCloses = logLines(sys.logDir, 'session-service').filter((l) => l.msg === 'session reached its maximum length and closed itself' && l.sessionId === session.sessionId);
    expect(sweepCloses).toHaveLength(1);
    await waitFor(
      () => logLines(sys.logDir, 'report-service').some((l) => l.msg === 'check-in evidence removed past the retention period'),
      'the evidence sweep',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2_000)); // a few more sweeps by both instances
    const removed = logLines(sys.logDir, 'report-service')
      .filter((l) => l.msg === 'check-in evidence removed past the retention period')
      .reduce((sum, l) => sum + (l.sessions ?? 0), 0);
    expect(removed).toBe(1);
  });
});
