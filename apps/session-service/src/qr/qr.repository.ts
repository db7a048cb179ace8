import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LuaScript } from '@classconnect/persistence';
import { REDIS, REDIS_KEY_PREFIX, redisCall } from '../infrastructure/redis.module.js';

/** Where the QR secret, the tag index and the failed attempts are kept. Redis (QrRepository); unit tests use a fake. Nest injects it by this class. */
export abstract class QrStore {
  /** The session's secret while it is open; null once it closed (or for a session without QR codes). */
  abstract secret(sessionId: string): Promise<Buffer | null>;
  /** The session whose tokens carry this tag, if one was opened recently. */
  abstract sessionOfTag(tag: string): Promise<string | null>;
  /** Counts one attempt of a student in a session within a window; returns the attempts so far in it. */
  abstract countAttempt(sessionId: string, studentId: string, windowSeconds: number): Promise<number>;
  /** Takes back the attempt just counted (it was a valid code). */
  abstract forgiveAttempt(sessionId: string, studentId: string): Promise<void>;
}

export function qrTagKey(prefix: string, tag: string): string {
  return `${prefix}qrtag:${tag}`;
}

/** KEYS[1] the attempts counter; ARGV[1] the window in seconds. A fixed window that starts at the first attempt. */
const CountAttemptScript = new LuaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
`);

/**
 * Redis layout (beside the session keys of sessions/session.repository.ts):
 *   session:<id>                     hash    field qrSecret: the secret (base64) while the session is open
 *   qrtag:<tag>                      string  the session id whose tokens carry <tag>
 *   session:<id>:qrfail:<studentId>  string  QR attempts in the current one-minute window
 */
@Injectable()
export class QrRepository extends QrStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {
    super();
  }

  async secret(sessionId: string): Promise<Buffer | null> {
    const value = await redisCall(() => this.redis.hget(`${this.prefix}session:${sessionId}`, 'qrSecret'));
    return value ? Buffer.from(value, 'base64') : null;
  }

  sessionOfTag(tag: string): Promise<string | null> {
    return redisCall(() => this.redis.get(qrTagKey(this.prefix, tag)));
  }

  async countAttempt(sessionId: string, studentId: string, windowSeconds: number): Promise<number> {
    return Number(await redisCall(() => CountAttemptScript.run(this.redis, [this.attemptsKey(sessionId, studentId)], [windowSeconds])));
  }

  async forgiveAttempt(sessionId: string, studentId: string): Promise<void> {
    await redisCall(() => this.redis.decr(this.attemptsKey(sessionId, studentId)));
  }

  private attemptsKey(sessionId: string, studentId: string): string {
    return `${this.prefix}session:${sessionId}:qrfail:${studentId}`;
  }
}
