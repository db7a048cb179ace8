import { z } from 'zod';
import { BaseEnv, RedisEnv } from '@classconnect/config';

/** What session-service reads from its environment, validated once at boot. */
export const SessionEnv = BaseEnv.extend(RedisEnv.shape).extend({
  /** Every Redis key this service writes starts with this (tests use a prefix of their own). */
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('cc:'),
});
export type SessionConfig = z.output<typeof SessionEnv>;

export const ServiceName = 'session-service';
