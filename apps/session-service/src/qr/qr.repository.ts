import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
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
}

export function qrTagKey(prefix: string, tag: string): string {
  return `${prefix}qrtag:${tag}`;
}

/** A student's QR attempts in a session: counted by the record-mark script (sessions/session.scripts.ts). */
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

  private sessionKey(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }
}
