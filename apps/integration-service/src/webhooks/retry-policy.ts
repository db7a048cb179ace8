/**
 * What follows an attempt: only a 2xx is a success; 410 Gone disables the endpoint; anything else
 * (another status, a time-out, a refused connection or address) is retried on the schedule. A 429
 * or 5xx with `Retry-After` is not tried again before the time it names (capped at a day, so a
 * wrong header cannot park a delivery for ever).
 */
import type { HttpOutcome } from './webhook-http.js';

export type AttemptDecision = { kind: 'succeeded' } | { kind: 'gone' } | { kind: 'retry'; delayMs: number } | { kind: 'exhausted' };

const MaxRetryAfterMs = 24 * 3_600_000;

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1_000, MaxRetryAfterMs);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MaxRetryAfterMs);
}

/**
 * `attempts`: how many attempts have been made, this one included. `schedule[i]` is the wait before
 * attempt i + 1 (the first, 0, is immediate), so a delivery has `schedule.length` attempts.
 */
export function decide(outcome: HttpOutcome, attempts: number, schedule: readonly number[], now: Date): AttemptDecision {
  if ('statusCode' in outcome) {
    if (outcome.statusCode >= 200 && outcome.statusCode < 300) return { kind: 'succeeded' };
    if (outcome.statusCode === 410) return { kind: 'gone' };
  }
  if (attempts >= schedule.length) return { kind: 'exhausted' };
  const scheduled = schedule[attempts]!;
  const honoured = 'statusCode' in outcome && (outcome.statusCode === 429 || outcome.statusCode >= 500) ? retryAfterMs(outcome.retryAfter, now) : undefined;
  return { kind: 'retry', delayMs: Math.max(scheduled, honoured ?? 0) };
}
