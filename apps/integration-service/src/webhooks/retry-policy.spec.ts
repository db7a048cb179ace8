import { describe, expect, it } from '@jest/globals';
import { decide, retryAfterMs } from './retry-policy.js';

const schedule = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
const now = new Date('2026-12-07T09:00:00Z');

describe('decide', () => {
  it('counts only 2xx as success', () => {
    for (const statusCode of [200, 201, 204, 299]) expect(decide({ statusCode }, 1, schedule, now)).toEqual({ kind: 'succeeded' });
    for (const statusCode of [301, 304, 400, 401, 404, 418]) expect(decide({ statusCode }, 1, schedule, now)).toEqual({ kind: 'retry', delayMs: 5_000 });
  });

  it('follows the schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), then gives up', () => {
    const delays = [];
    for (let attempts = 1; attempts <= 8; attempts++) delays.push(decide({ error: 'ECONNREFUSED' }, attempts, schedule, now));
    expect(delays).toEqual([...schedule.slice(1).map((delayMs) => ({ kind: 'retry', delayMs })), { kind: 'exhausted' }]);
  });

  it('disables on 410, even on the last attempt', () => {
    expect(decide({ statusCode: 410 }, 1, schedule, now)).toEqual({ kind: 'gone' });
    expect(decide({ statusCode: 410 }, 8, schedule, now)).toEqual({ kind: 'gone' });
  });

  it('waits at least Retry-After on 429 and 5xx, and only there', () => {
    expect(decide({ statusCode: 429, retryAfter: '60' }, 1, schedule, now)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(decide({ statusCode: 503, retryAfter: '60' }, 1, schedule, now)).toEqual({ kind: 'retry', delayMs: 60_000 });
    // The schedule's own delay is longer: it wins.
    expect(decide({ statusCode: 503, retryAfter: '60' }, 2, schedule, now)).toEqual({ kind: 'retry', delayMs: 300_000 });
    expect(decide({ statusCode: 400, retryAfter: '60' }, 1, schedule, now)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(decide({ statusCode: 429, retryAfter: 'Mon, 07 Dec 2026 09:10:00 GMT' }, 1, schedule, now)).toEqual({ kind: 'retry', delayMs: 600_000 });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, ignores nonsense, caps at a day', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 08:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('9999999', now)).toBe(24 * 3_600_000);
  });
});
