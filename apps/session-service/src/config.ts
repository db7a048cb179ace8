import { z } from 'zod';
import { BaseEnv, RedisEnv, opsEnv } from '@classconnect/config';

/** What session-service reads from its environment, validated once at boot. */
export const SessionEnv = BaseEnv.extend(RedisEnv.shape).extend(opsEnv('session-service').shape).extend({
  /** Every Redis key this service writes starts with this (tests use a prefix of their own). */
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('cc:'),
  /** A session nobody stops closes itself this many seconds after it opened (default 4 hours; tests use a few seconds). */
  SESSION_MAX_LENGTH_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 60 * 60).default(4 * 60 * 60),
  /** How often each instance looks for sessions past their maximum length. */
  SESSION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  /** For this many seconds after Stop the session's teacher may reopen it (session:reopen); 0 turns reopening off. */
  REOPEN_WINDOW_SECONDS: z.coerce.number().int().min(0).max(3_600).default(300),
});
export type SessionConfig = z.output<typeof SessionEnv>;

export const ServiceName = 'session-service';
