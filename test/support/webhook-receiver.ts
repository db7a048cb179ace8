/**
 * A webhook receiver written from the Standard Webhooks specification
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
 * not from our sender: it checks `webhook-signature` with node:crypto alone, so a sender bug cannot
 * be hidden by sharing the same library. Each path answers as the test scripts it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  path: string;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a path answers to its n-th call (0-based): a status and headers, or `hang` (never answers). */
export type Script = (n: number) => { status: number; headers?: Record<string, string> } | 'hang';

/**
 * The spec's verification: the signed content is `<webhook-id>.<webhook-timestamp>.<body>`, the key
 * is the base64 part of `whsec_<base64>`, the signature HMAC-SHA256 in base64; the header lists one
 * or more `v1,<signature>` separated by spaces, any of which may match. Returns which secrets matched.
 */
export function verifyStandardWebhook(call: ReceivedCall, secrets: string[], toleranceSeconds = 300, now = Date.now()): string[] {
  const id = call.headers['webhook-id'];
  const timestamp = call.headers['webhook-timestamp'];
  const header = call.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof header !== 'string') throw new Error('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) throw new Error(`timestamp ${timestamp} is outside the tolerance`);
  const given = header.split(' ').filter((s) => s.startsWith('v1,')).map((s) => Buffer.from(s.slice(3), 'base64'));
  return secrets.filter((secret) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${call.body}`).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
}

export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  private readonly scripts = new Map<string, Script>();
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<http.ServerResponse>();
  private server?: http.Server;
  url = '';

  script(path: string, script: Script): string {
    this.scripts.set(path, script);
    return `${this.url}${path}`;
  }

  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  async waitFor(path: string, count: number, timeoutMs = 20_000): Promise<ReceivedCall[]> {
    const until = Date.now() + timeoutMs;
    while (this.callsTo(path).length < count) {
      if (Date.now() > until) throw new Error(`${path} got ${this.callsTo(path).length} calls, expected ${count}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.callsTo(path);
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const n = this.counts.get(path) ?? 0;
        this.counts.set(path, n + 1);
        this.calls.push({ path, at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script: Script = this.scripts.get(path) ?? (() => ({ status: 404 }));
        const answer = script(n);
        if (answer === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
