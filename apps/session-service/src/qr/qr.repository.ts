import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LuaScript } from '@classconnect/persistence';
import { REDIS, REDIS_KEY_PREFIX, redisCall } from '../infrastructure/redis.module.js';

/** What judging a code needs of a session: its QR options and, while it is open, its secret. */
export interface QrState {
  mode: 'offered' | 'required';
  stepSeconds: number;
  /** null once the session closed. */
  secret: Buffer | null;
}

/** Where the QR secret and the tag index are kept. Redis (QrRepository); unit tests use a fake. Nest injects it by this class. */
export abstract class QrStore {
  /** The session's secret while it is open; null once it closed (or for a session without QR codes). */
  abstract secret(sessionId: string): Promise<Buffer | null>;
  /** The session's QR options and secret; null for a session without QR codes (or none at all). */
  abstract qrState(sessionId: string): Promise<QrState | null>;
  /** The session whose tokens carry this tag, if one was opened recently. */
  abstract sessionOfTag(tag: string): Promise<string | null>;
  /**
   * Atomically counts one attempt of a student's in a session (a fixed window from the first) and
   * gives the code's verdict: `throttled` once the attempts in the window pass the limit, whatever
   * the code; a valid code is taken back off the count. (The record-mark script counts a code given
   * with the submission the same way.)
   */
  abstract countAttempt(sessionId: string, studentId: string, verdict: QrVerdict, limit: QrAttemptLimit): Promise<QrVerdict | 'throttled'>;
}

/** How many failed attempts a student may make, per window. */
export interface QrAttemptLimit {
  attemptsPerWindow: number;
  windowSeconds: number;
}

/** A code's verdict, before the student's attempts are counted. */
export type QrVerdict = 'valid' | 'expired' | 'wrong-session' | 'invalid';

/** KEYS[1] the attempts counter; ARGV: the code's verdict, attempts allowed per window, the window in seconds. */
const CountAttemptScript = new LuaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if n > tonumber(ARGV[2]) then return 'throttled' end
if ARGV[1] ~= 'valid' then return ARGV[1] end
redis.call('DECR', KEYS[1])
return 'valid'
`);

export function qrTagKey(prefix: string, tag: string): string {
  return `${prefix}qrtag:${tag}`;
}

/** A student's QR attempts in a session: counted at checkin:begin (countAttempt), or by the record-mark script (sessions/session.scripts.ts) for a code given with the submission. */
export function qrAttemptsKey(prefix: string, sessionId: string, studentId: string): string {
  return `${prefix}session:${sessionId}:qrfail:${studentId}`;
}

/**
 * Redis layout (beside the session keys of sessions/session.repository.ts):
 *   session:<id>                     hash    fields qrMode, qrStepSeconds, and qrSecret: the secret (base64) while the session is open
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
    const value = await redisCall(() => this.redis.hget(this.sessionKey(sessionId), 'qrSecret'));
    return value ? Buffer.from(value, 'base64') : null;
  }

  async qrState(sessionId: string): Promise<QrState | null> {
    const [mode, step, secret] = await redisCall(() => this.redis.hmget(this.sessionKey(sessionId), 'qrMode', 'qrStepSeconds', 'qrSecret'));
    if (mode !== 'offered' && mode !== 'required') return null;
    return { mode, stepSeconds: Number(step ?? 10), secret: secret ? Buffer.from(secret, 'base64') : null };
  }

  sessionOfTag(tag: string): Promise<string | null> {
    return redisCall(() => this.redis.get(qrTagKey(this.prefix, tag)));
  }
  async countAttempt(sessionId: string, studentId: string, verdict: QrVerdict, limit: QrAttemptLimit): Promise<QrVerdict | 'throttled'> {
    const key = qrAttemptsKey(this.prefix, sessionId, studentId);
    return (await redisCall(() => CountAttemptScript.run(this.redis, [key], [verdict, limit.attemptsPerWindow, limit.windowSeconds]))) as QrVerdict | 'throttled';
  }

  private sessionKey(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }
}
