import { z } from 'zod';
import { canonicalTimeZone } from '@classconnect/contracts';
import { BaseEnv, DatabaseEnv, OidcEnv, TokenEnv, loadConfig, opsEnv, type OidcConfig } from '@classconnect/config';

/** What identity-service reads from its environment, validated once at boot. */
export const IdentityEnv = BaseEnv.extend(DatabaseEnv.shape)
  .extend(opsEnv('identity-service').shape)
  .extend(TokenEnv.shape)
  .extend({
    /** Lifetime of an access token. Short, because the gateway cannot revoke one. */
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    /** A refresh token unused for this long expires (default 30 days); each use replaces it with a new one. */
    REFRESH_TOKEN_IDLE_SECONDS: z.coerce.number().int().min(300).max(400 * 86_400).default(30 * 86_400),
    /** Failed password sign-ins for one email within the window before SIGN_IN_THROTTLED. */
    SIGN_IN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).max(1_000).default(5),
    /** Failed password sign-ins from one client address within the window (looser: a campus may share one address). */
    SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
    SIGN_IN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
    /**
     * What erasing a person does to their attendance: `pseudonymised` (default) keeps it under the
     * account's id, so courses' counts and rates do not change; `removed` deletes it everywhere.
     */
    ERASURE_ATTENDANCE: z.enum(['pseudonymised', 'removed']).default('pseudonymised'),
    /** Accounts disabled for longer than this many days are erased by a sweep; 0 (the default) turns the sweep off. */
    ACCOUNT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
    /** How often an instance runs the account retention sweep (any instance may; they do not collide). */
    ACCOUNT_RETENTION_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
    /**
     * The time zone a new course's exports write times in, until an admin sets the course's own (an
     * IANA name such as Europe/Paris). The migration that added the setting gave it to the courses
     * that existed then.
     */
    DEFAULT_TIME_ZONE: z
      .string()
      .default('UTC')
      .transform((name, ctx) => {
        const zone = canonicalTimeZone(name);
        if (zone === null) {
          ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone name such as Europe/Paris' });
          return z.NEVER;
        }
        return zone;
      }),
  });
export type IdentityConfig = z.output<typeof IdentityEnv> & { oidc: OidcConfig };

/** identity-service's whole configuration: its own variables plus single sign-on's, each validated. */
export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return { ...loadConfig(IdentityEnv, env), oidc: loadConfig(OidcEnv, env) };
}

/** The CLI (migrations, demo data, test classes) needs the database only: no token secret. */
export const IdentityCliEnv = BaseEnv.extend(DatabaseEnv.shape);
export type IdentityCliConfig = z.output<typeof IdentityCliEnv>;

export const ServiceName = 'identity-service';
