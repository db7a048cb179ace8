import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The Redis keys this service owns, all under the configured prefix. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  registrationChallenge(userId: string): string {
    return `${this.prefix}regchal:${userId}`;
  }

  checkinChallenge(challenge: string): string {
    return `${this.prefix}chal:${challenge}`;
  }

  verdict(submissionId: string): string {
    return `${this.prefix}verdict:${submissionId}`;
  }
}

export const REDIS_KEYS = Symbol('REDIS_KEYS');

/** A Lua script run by its SHA1, loaded into Redis again when the server has forgotten it (restart, SCRIPT FLUSH). */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!/NOSCRIPT/.test((err as Error).message)) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
