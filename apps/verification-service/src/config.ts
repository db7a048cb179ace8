import { z } from 'zod';
import { BaseEnv, DatabaseEnv, RedisEnv, WebAuthnEnv } from '@classconnect/config';

/** What verification-service reads from its environment, validated once at boot. */
export const VerificationEnv = BaseEnv.extend(RedisEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(WebAuthnEnv.shape)
  .extend({
    /** Every Redis key this service writes starts with this (tests use their own). */
    REDIS_KEY_PREFIX: z.string().min(1).max(64).default('cc:'),
    /** A position whose 95% confidence radius is wider than this (metres) cannot prove presence. */
    MAX_POSITION_ACCURACY_M: z.coerce.number().positive().max(100_000).default(100),
    /**
     * A student's passkeys after the first: `approval` (default) stores them pending until one of the
     * student's teachers or an admin approves; `allow` approves them at once.
     */
    NEW_DEVICE_POLICY: z.enum(['approval', 'allow']).default('approval'),
  });
export type VerificationConfig = z.output<typeof VerificationEnv>;

/** The CLI that runs migrations needs the database only. */
export const VerificationCliEnv = BaseEnv.extend(DatabaseEnv.shape);

export const VERIFICATION_CONFIG = Symbol('VERIFICATION_CONFIG');

export const ServiceName = 'verification-service';
