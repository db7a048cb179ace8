import { z } from 'zod';
import { BaseEnv, DatabaseEnv, RedisEnv, WebAuthnEnv, opsEnv } from '@classconnect/config';

/** What verification-service reads from its environment, validated once at boot. */
export const VerificationEnv = BaseEnv.extend(RedisEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(WebAuthnEnv.shape)
  .extend(opsEnv('verification-service').shape)
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
    // Check-in flags
    /** Check-ins of two students from one device, or of one account from two devices, this close (seconds) are flagged. */
    FLAG_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
    /** Two check-ins of a student in sessions whose fences are this fast apart (km/h) are flagged as impossible travel. */
    FLAG_MAX_SPEED_KMH: z.coerce.number().positive().max(100_000).default(300),
    /** How long the flags' per-session state (keyed hashes) and each student's last check-in are kept at most (seconds); a closed session's state is deleted at once. */
    FLAG_STATE_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3_600).default(6 * 3_600),
  });
export type VerificationConfig = z.output<typeof VerificationEnv>;

/** The CLI that runs migrations needs the database only. */
export const VerificationCliEnv = BaseEnv.extend(DatabaseEnv.shape);

export const VERIFICATION_CONFIG = Symbol('VERIFICATION_CONFIG');

export const ServiceName = 'verification-service';
