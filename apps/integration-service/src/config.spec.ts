import { describe, expect, it } from '@jest/globals';
import { Env } from './config.js';

describe('integration-service config', () => {
  it('defaults to the issue’s schedule and a 15 s time-out', () => {
    const c = Env.parse({});
    expect(c.WEBHOOK_RETRY_SCHEDULE).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(c.WEBHOOK_TIMEOUT_MS).toBe(15_000);
    expect(c.WEBHOOK_ALLOWED_CIDRS).toEqual([]);
  });

  it('reads a shorter schedule and an allow-list, and names what is wrong', () => {
    expect(Env.parse({ WEBHOOK_RETRY_SCHEDULE: '0,200ms,1s', WEBHOOK_ALLOWED_CIDRS: '10.20.0.0/16, 127.0.0.1' })).toMatchObject({
      WEBHOOK_RETRY_SCHEDULE: [0, 200, 1_000],
      WEBHOOK_ALLOWED_CIDRS: ['10.20.0.0/16', '127.0.0.1'],
    });
    expect(Env.safeParse({ WEBHOOK_RETRY_SCHEDULE: '0,soon' }).error?.issues[0]).toMatchObject({ path: ['WEBHOOK_RETRY_SCHEDULE'], message: expect.stringContaining('"soon"') });
    expect(Env.safeParse({ WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/33' }).error?.issues[0]).toMatchObject({ path: ['WEBHOOK_ALLOWED_CIDRS'] });
    expect(Env.safeParse({ WEBHOOK_ALLOWED_CIDRS: 'intranet' }).success).toBe(false);
  });
});
