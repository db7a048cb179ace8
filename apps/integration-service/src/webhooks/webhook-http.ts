/**
 * One HTTP POST of a delivery, to the address the SSRF guard checked: the request's `lookup` hands
 * back that address instead of resolving the name again, while the Host header and TLS (SNI and
 * certificate check) still use the URL's name. Redirects are not followed (a 3xx is a failure).
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './ssrf-guard.js';

export interface HttpAttempt {
  url: string;
  address: ResolvedAddress;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** An answer (any status), or no answer with why. */
export type HttpOutcome = { statusCode: number; retryAfter?: string } | { error: string };

/** At most this much of an answer's body is read (and thrown away): the status is what counts. */
const MaxBodyBytes = 64 * 1024;

export function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  }) as LookupFunction;
}

export function postPinned(attempt: HttpAttempt): Promise<HttpOutcome> {
  const url = new URL(attempt.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...attempt.headers, 'content-length': String(Buffer.byteLength(attempt.body)) },
        lookup: pinnedLookup(attempt.address),
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MaxBodyBytes) res.destroy();
        });
        const retryAfter = res.headers['retry-after'];
        const finish = () => done({ statusCode: res.statusCode ?? 0, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    // One deadline for the whole attempt: connecting, sending and the answer's head.
    const timer = setTimeout(() => {
      done({ error: `no answer within ${attempt.timeoutMs} ms` });
      req.destroy();
    }, attempt.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ? `${err.code}: ${err.message}` : err.message }));
    req.end(attempt.body);
  });
}
