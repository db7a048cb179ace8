/**
 * The faults `npm run chaos` injects, one per scenario, as a table: each names what it breaks and
 * when (mid-burst, or right after Stop), and calls `back()` the moment the broken part answers
 * again, which is where "time to recover" is counted from.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, EventSubjects, ServerEvents } from '@classconnect/contracts';
import { EventPublisher, connectNats, listDeadLetters } from '@classconnect/messaging';
import type { ServiceName } from '@classconnect/runtime';
import type { Socket } from 'socket.io-client';
import { connectSocket } from '../clients.js';
import type { ClassFixture, TestSystem } from '../system.js';
import { waitFor } from '../wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a fault may use and must say: the system, the class, and when the broken part was back. */
export interface FaultContext {
  sys: TestSystem;
  cls: ClassFixture;
  sessionId: string;
  /** The broken part answers again (a restarted service said ready, a server accepts connections). */
  back(): void;
  /** A check the scenario makes beyond the counts (e.g. the sign-out reached the open socket). */
  check(name: string, ok: boolean, detail: string): void;
  /** Something worth reading in the results, not a pass or fail. */
  note(text: string): void;
  say(msg: string): void;
}

export interface Scenario {
  name: string;
  /** One line: the fault. */
  fault: string;
  /** Part of the quick set (`--quick`) and of the smoke spec in `npm test`. */
  smoke?: boolean;
  /** Runs before the burst starts (e.g. a socket to be signed out later). */
  prepare?(ctx: FaultContext): Promise<void>;
  /** The fault, started at 40 % of the burst. Resolves when it is over (checks included). */
  midBurst?(ctx: FaultContext): Promise<void>;
  /** The fault, started the moment Stop is acknowledged (the report's delay is measured meanwhile). */
  afterStop?(ctx: FaultContext): Promise<void>;
  /** Runs after the report was read: checks that need the end state. */
  finally?(ctx: FaultContext): Promise<void>;
}

async function killAndRestart(ctx: FaultContext, service: ServiceName): Promise<void> {
  await ctx.sys.kill(service, 'SIGKILL');
  ctx.say(`killed ${service} (SIGKILL); restarting`);
  await ctx.sys.restart(service);
  ctx.back();
  ctx.say(`${service} is ready again`);
}

/** Stops a private server (`signal`), waits `downMs`, starts it on the same port and data (after `between`, e.g. a wipe). */
async function bounceServer(ctx: FaultContext, server: 'nats' | 'redis' | 'postgres', signal: NodeJS.Signals, downMs = 0, between?: () => void): Promise<void> {
  await ctx.sys.stopServer(server, signal);
  ctx.say(`stopped ${server} (${signal})${downMs ? `; down for ${downMs / 1000} s` : ''}`);
  if (downMs) await sleep(downMs);
  between?.();
  await ctx.sys.startServer(server);
  ctx.back();
  ctx.say(`${server} answers again`);
}

const killScenario = (service: ServiceName, smoke = false): Scenario => ({
  name: `kill-${service}`,
  fault: `${service} killed with SIGKILL mid-burst and started again`,
  smoke,
  midBurst: (ctx) => killAndRestart(ctx, service),
});

/** A second sign-in of one student with a plain socket open on it, to be signed out after the fault. */
interface SignOutProbe {
  token: string;
  socket: Socket;
  revoked: Promise<{ reason: string; at: number }>;
}
const signOutProbes = new WeakMap<FaultContext['sys'], SignOutProbe>();

async function handshakeCode(url: string, token: string): Promise<string> {
  try {
    (await connectSocket(url, token)).close();
    return 'connected';
  } catch (err) {
    return (err as { data?: { code?: string } }).data?.code ?? String(err);
  }
}

export const Scenarios: Scenario[] = [
  killScenario('identity-service'),
  killScenario('session-service'),
  killScenario('verification-service', true),
  killScenario('report-service'),
  killScenario('gateway'),
  {
    name: 'nats-restart',
    fault: 'NATS stopped (SIGTERM) mid-burst and started again with its JetStream store',
    midBurst: (ctx) => bounceServer(ctx, 'nats', 'SIGTERM'),
  },
  {
    name: 'redis-kill',
    fault: 'Redis killed with SIGKILL mid-burst and started again from its append-only file',
    midBurst: (ctx) => bounceServer(ctx, 'redis', 'SIGKILL'),
  },
  {
    name: 'redis-down-15s',
    fault: 'Redis stopped (SIGTERM, it saves its file) mid-burst for 15 s, then started again',
    midBurst: (ctx) => bounceServer(ctx, 'redis', 'SIGTERM', 15_000),
  },
  {
    name: 'redis-restart-empty',
    fault: 'Redis killed mid-burst, its append-only files deleted, started again empty',
    midBurst: (ctx) =>
      bounceServer(ctx, 'redis', 'SIGKILL', 0, () => {
        const dir = join(ctx.sys.dataDir, 'redis');
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
      }),
  },
  {
    name: 'postgres-restart',
    fault: 'PostgreSQL stopped (fast shutdown, SIGINT) mid-burst and started again',
    midBurst: (ctx) => bounceServer(ctx, 'postgres', 'SIGINT'),
  },
  {
    name: 'postgres-stop-20s',
    fault: 'PostgreSQL stopped (SIGINT) mid-burst for 20 s, then started again',
    midBurst: (ctx) => bounceServer(ctx, 'postgres', 'SIGINT', 20_000),
  },
  {
    name: 'report-service-after-stop',
    fault: 'report-service killed with SIGKILL right after Stop and started again',
    afterStop: (ctx) => killAndRestart(ctx, 'report-service'),
  },
  {
    name: 'nats-restart-sign-out',
    fault: 'NATS restarted mid-burst, then a student signs out: the open socket of that sign-in must get auth:revoked',
    smoke: true,
    async prepare(ctx) {
      const student = ctx.cls.students[0]!;
      const token = await ctx.sys.signIn(student.email, student.password);
      const socket = await connectSocket(ctx.sys.gatewayUrl, token);
      const revoked = new Promise<{ reason: string; at: number }>((resolve) =>
        socket.once(ServerEvents.authRevoked, (p: { reason: string }) => resolve({ reason: p.reason, at: Date.now() })),
      );
      signOutProbes.set(ctx.sys, { token, socket, revoked });
    },
    async midBurst(ctx) {
      await bounceServer(ctx, 'nats', 'SIGTERM');
      const probe = signOutProbes.get(ctx.sys)!;
      try {
        // Signed out as a client would: retried while the gateway says the service is unavailable.
        const signedOut = await waitFor(
          async () => {
            const res = await fetch(`${ctx.sys.gatewayUrl}/api/auth/sign-out`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${probe.token}` },
              body: '{}',
            }).catch(() => undefined);
            return res?.status === 200 ? Date.now() : undefined;
          },
          'the sign-out to go through',
          30_000,
        ).catch(() => undefined);
        if (!signedOut) return ctx.check('sign-out after the NATS restart', false, 'POST /api/auth/sign-out never answered 200 within 30 s');
        const revoked = await Promise.race([probe.revoked, sleep(20_000).then(() => undefined)]);
        ctx.check(
          'auth:revoked on the open socket',
          revoked?.reason === 'signed-out',
          revoked
            ? `${revoked.reason}, ${revoked.at <= signedOut ? 'before the sign-out\'s HTTP reply' : `${((revoked.at - signedOut) / 1000).toFixed(2)} s after the sign-out's HTTP reply`}`
            : 'no auth:revoked within 20 s of the sign-out',
        );
        const code = await handshakeCode(ctx.sys.gatewayUrl, probe.token);
        ctx.check('old token refused at the handshake', code === ErrorCode.SIGN_IN_REVOKED, code);
      } finally {
        probe.socket.close();
      }
    },
  },
  {
    name: 'poison-event',
    fault: 'a hand-mark event with U+0000 in its reason published straight onto the ATTENDANCE stream mid-burst',
    smoke: true,
    async midBurst(ctx) {
      const nc = await connectNats(ctx.sys.env.NATS_URL!, 'chaos-poison');
      try {
        // Valid JSON and valid for the event's schema, but PostgreSQL cannot store a NUL in text.
        // A student who is not in the class, so the class's own rows are not what is at stake.
        await new EventPublisher(nc, '/classconnect/chaos').publish(
          EventSubjects.markChanged,
          {
            sessionId: ctx.sessionId,
            courseId: ctx.cls.courseId,
            studentId: randomUUID(),
            status: 'excused',
            previousStatus: 'absent',
            reason: 'doctor\u0000note',
            changedBy: ctx.cls.teacher.id,
            changedAt: new Date().toISOString(),
            sequence: 1,
          },
          { dedupKey: `chaos-poison:${randomUUID()}`, about: ctx.sessionId },
        );
        ctx.say('published the poison event');
      } finally {
        await nc.close();
      }
    },
    async finally(ctx) {
      const nc = await connectNats(ctx.sys.env.NATS_URL!, 'chaos-deadletters');
      try {
        const letters = await waitFor(
          async () => {
            const items = (await listDeadLetters(nc)).filter((d) => d.subject === EventSubjects.markChanged);
            return items.length >= 2 ? items : undefined;
          },
          'dead letters',
          20_000,
        ).catch(async () => (await listDeadLetters(nc)).filter((d) => d.subject === EventSubjects.markChanged));
        ctx.note(`dead letters: ${letters.length ? letters.map((d) => d.consumer).join(', ') : 'none'}`);
      } finally {
        await nc.close();
      }
    },
  },
];

export const SmokeScenarios = Scenarios.filter((s) => s.smoke).map((s) => s.name);

export function scenarioNamed(name: string): Scenario {
  const found = Scenarios.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}; the scenarios are: ${Scenarios.map((s) => s.name).join(', ')}`);
  return found;
}
