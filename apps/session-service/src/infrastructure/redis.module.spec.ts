import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@classconnect/contracts';
import { connectRedis, redisCall } from './redis.module.js';

describe('redisCall', () => {
  it('turns an unreachable Redis into SERVICE_UNAVAILABLE', async () => {
    const redis = connectRedis('redis://127.0.0.1:1'); // nothing listens on port 1
    try {
      await expect(redisCall(() => redis.get('anything'))).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    } finally {
      redis.disconnect();
    }
  });

  it('lets any other error through unchanged', async () => {
    const bug = new TypeError('not a Redis problem');
    await expect(redisCall(() => Promise.reject(bug))).rejects.toBe(bug);
  });
});
