import { describe, expect, it, jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { subscriptionsRegistered } from './bootstrap.js';
import { NATS_CONNECTION } from './messaging.module.js';

describe('subscriptionsRegistered', () => {
  it('waits for a round trip on the application’s own NATS connection', async () => {
    let answer!: () => void;
    const flush = jest.fn(() => new Promise<void>((resolve) => (answer = resolve)));
    const get = jest.fn((token: unknown) => (token === NATS_CONNECTION ? { flush } : undefined));
    const app = { get } as unknown as INestApplicationContext;

    let settled = false;
    const registered = subscriptionsRegistered(app).then(() => (settled = true));
    await Promise.resolve();
    expect(get).toHaveBeenCalledWith(NATS_CONNECTION);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(settled).toBe(false);
    answer();
    await registered;
    expect(settled).toBe(true);
  });
});
