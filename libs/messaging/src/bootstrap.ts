import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConfigError } from '@classconnect/config';
import { createLogger, metricsRegistry, startOpsServer, type Logger, type OpsServer, type ReadinessCheck } from '@classconnect/observability';
import { messagingHealth } from './health.js';
import { NATS_CONNECTION } from './messaging.module.js';

/**
 * Says the process serves: a `service ready` log line for people, and a message to the parent
 * process when it was started with an IPC channel (the launcher and the test harness wait for it,
 * whatever the log level).
 */
export function announceReady(log: Logger, extra: Record<string, unknown> = {}): void {
  log.info({ pid: process.pid, ...extra }, 'service ready');
  process.send?.({ type: 'ready', pid: process.pid, ...extra });
}

/**
 * Resolves once the NATS server this process is connected to has taken every subscription the
 * application made while it started (its RPC handlers among them). A subscription goes out on the
 * wire without an answer, so a request sent by another process just after `init()` could otherwise
 * reach the server first and find no responder. One PING/PONG settles it: the server handles a
 * connection's commands in order. (In a cluster, the other servers learn of the interest a moment
 * later: a requester connected to one of them can still meet "no responders" for that moment, and
 * RpcClient reports it as SERVICE_UNAVAILABLE, the error that says to try again.)
 */
export async function subscriptionsRegistered(app: INestApplicationContext): Promise<void> {
  await app.get<NatsConnection>(NATS_CONNECTION).flush();
}

/** Ready needs NATS to answer a round trip now: a reconnecting connection is not closed, but not usable either. */
export function natsCheck(nc: NatsConnection): ReadinessCheck {
  return {
    name: 'nats',
    check: async () => {
      if (nc.isClosed()) return 'connection closed';
      await nc.rtt();
    },
  };
}

/** Ready needs every durable consumer and follower of this process running (see MessagingHealth). */
export const consumersCheck: ReadinessCheck = {
  name: 'consumers',
  check: async () => {
    const down = messagingHealth.downParts();
    if (down.length) return down.map((p) => `${p.name} down since ${p.since}${p.error ? `: ${p.error}` : ''}`).join('; ');
  },
};

export interface BootstrapOptions {
  /** OPS_PORT: where /health/live, /health/ready and /metrics answer (0: a free port, said in `service ready`). */
  opsPort: number;
  /** The service's own dependencies (its database, its Redis), checked beside NATS and the consumers. */
  checks?: (app: INestApplicationContext) => ReadinessCheck[];
}

/**
 * Starts a NATS-only service as a Nest application context with its ops port, logs `service ready`
 * once every handler is registered, and drains on SIGTERM/SIGINT: readiness turns 503 at once (so
 * nothing new is routed here), consumers finish the batch in hand and NATS is drained, then the
 * process exits. A configuration error stops the process with a message naming the variable.
 */
export async function bootstrapService(name: string, module: unknown, opts: BootstrapOptions): Promise<void> {
  const log = createLogger(name);
  metricsRegistry.setDefaultLabels({ service: name });
  let app: INestApplicationContext | undefined;
  let ops: OpsServer | undefined;
  try {
    // The ops port answers from the start: live at once, ready only once the whole service is up.
    ops = await startOpsServer({
      port: opts.opsPort,
      checks: () =>
        app
          ? [natsCheck(app.get<NatsConnection>(NATS_CONNECTION)), consumersCheck, ...(opts.checks?.(app) ?? [])]
          : [{ name: 'startup', check: async () => 'still starting' }],
    });
    const context = await NestFactory.createApplicationContext(module as never, { logger: ['error', 'warn'] });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'draining: not ready any more; finishing the work in hand');
        ops?.startDraining();
      });
    }
    context.enableShutdownHooks();
    await context.init();
    await subscriptionsRegistered(context);
    const opsServer = ops;
    // Closed last, so /health/live keeps answering while the rest drains.
    process.once('exit', () => void opsServer.close());
    app = context;
    announceReady(log, { opsPort: ops.port });
  } catch (err) {
    await ops?.close();
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(78);
    }
    log.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
