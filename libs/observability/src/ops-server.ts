import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics.js';

/** One thing a service needs to serve: NATS connected, its database or Redis answering, its consumers running. */
export interface ReadinessCheck {
  name: string;
  /** Resolves with nothing when the part is fine; throws (or resolves with a sentence) when it is not. */
  check(): Promise<void | string>;
}

export interface ReadinessReport {
  ok: boolean;
  body: { status: 'ok' | 'unavailable' | 'draining'; checks: Record<string, string> };
}

/** How long one check may take before it counts as failed: a dependency that hangs is not ready either. */
const CheckTimeoutMs = 1_000;

/**
 * Runs every check at once (each bounded by a second) and says whether the process is ready. A
 * draining process (SIGTERM received) is not ready, whatever its checks say, so the load balancer
 * stops sending it work while it finishes what it has.
 */
export async function readiness(checks: readonly ReadinessCheck[], draining = false): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, string]> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${CheckTimeoutMs} ms`), CheckTimeoutMs)));
        const problem = await Promise.race([c.check(), timeout]);
        return [c.name, problem ? problem : 'ok'];
      } catch (err) {
        return [c.name, err instanceof Error ? err.message : String(err)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checksOk = results.every(([, r]) => r === 'ok');
  const ok = checksOk && !draining;
  return { ok, body: { status: draining ? 'draining' : ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) } };
}

/** The Prometheus text of this process's metrics, with its content type. */
export async function metricsText(): Promise<{ contentType: string; text: string }> {
  return { contentType: metricsRegistry.contentType, text: await metricsRegistry.metrics() };
}

export interface OpsServer {
  /** The port it listens on (the one asked for, or the free one picked for 0). */
  port: number;
  /** From now on /health/ready answers 503 `draining`. */
  startDraining(): void;
  close(): Promise<void>;
}

/**
 * The small HTTP server every service but the gateway answers on (OPS_PORT):
 * - `GET /health/live`: 200 while the process runs its event loop (a liveness probe restarts it otherwise);
 * - `GET /health/ready`: 200 when every readiness check passes, else 503 with what failed;
 * - `GET /metrics`: Prometheus text.
 * Anything else is 404. Nothing here reads a request body or a credential.
 */
export async function startOpsServer(opts: { port: number; host?: string; checks: () => readonly ReadinessCheck[] }): Promise<OpsServer> {
  let draining = false;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void answer(req, res);
  });
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Only GET is answered here.' } });
      if (path === '/health/live') return json(200, { status: 'ok' });
      if (path === '/health/ready') {
        const report = await readiness(opts.checks(), draining);
        return json(report.ok ? 200 : 503, report.body);
      }
      if (path === '/metrics') {
        const { contentType, text } = await metricsText();
        res.writeHead(200, { 'content-type': contentType });
        return res.end(text);
      }
      return json(404, { error: { code: 'NOT_FOUND', message: 'This port answers /health/live, /health/ready and /metrics only.' } });
    } catch (err) {
      if (!res.headersSent) json(500, { error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
      else res.end();
    }
  };
  // Probes and scrapes are short requests: keep-alive sockets must not hold the process open at exit.
  server.keepAliveTimeout = 2_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    startDraining: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
