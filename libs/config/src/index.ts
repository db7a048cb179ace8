import { z } from 'zod';
import { connectionIssues, withDatabaseCa } from './tls.js';

/** An optional setting; an empty variable (as a ConfigMap or docker compose may pass) counts as unset. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/** Variables every service reads. Each app extends this with its own. */
export const BaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: LogLevel.default('info'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Replicas of the JetStream streams the services create: 1 on one machine, 3 on a production cluster. */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /**
   * How many days the DIRECTORY stream keeps its events: the only events with names and emails
   * (account created and updated; docs/privacy.md). Set the same for every service.
   */
  DIRECTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /** This service's own NATS user (each service has one, with only its subjects: scripts/nats-config.mjs). Unset: no credentials. */
  NATS_USER: optionalText,
  /** NATS_USER's password. Never logged. */
  NATS_PASSWORD: optionalText,
  /** PEM file of the certificate authority the NATS server's certificate is checked against; set, the connection must use TLS. */
  NATS_TLS_CA_FILE: optionalText,
});

export const RedisEnv = z.object({
  /** redis:// or, for TLS, rediss:// (credentials in the URL: redis://user:password@host:6379). Never logged. */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** PEM file of the certificate authority the Redis server's certificate is checked against (with a rediss:// URL). */
  REDIS_TLS_CA_FILE: optionalText,
});
export const DatabaseEnv = z.object({
  /** postgres://user:password@host:5432/db, with ?sslmode=verify-full for TLS. Never logged. */
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/classconnect'),
  /** PEM file of the certificate authority the Postgres server's certificate is checked against; set, TLS is required (see withDatabaseCa). */
  DATABASE_TLS_CA_FILE: optionalText,
});
export const TokenEnv = z.object({
  /** HMAC secret for access tokens, at least 32 characters. Never logged. */
  AUTH_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
});
export const WebAuthnEnv = z.object({
  WEBAUTHN_RP_ID: z.string().min(1).default('localhost'),
  WEBAUTHN_RP_NAME: z.string().min(1).default('ClassConnect'),
  /** Comma-separated list of origins the browser may report, e.g. http://localhost:3000 */
  WEBAUTHN_ORIGINS: z
    .string()
    .min(1)
    .default('http://localhost:3000')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
});

/** Names whose values must never reach a log line. */
export const SecretNames = ['AUTH_TOKEN_SECRET', 'DATABASE_URL', 'REDIS_URL', 'OIDC_CLIENT_SECRET', 'NATS_PASSWORD'];

/**
 * University single sign-on (OpenID Connect). Off while OIDC_ISSUER_URL is unset; when it is set,
 * OIDC_CLIENT_ID and a redirect URI (OIDC_REDIRECT_URI, or PUBLIC_ORIGIN + /api/auth/sso/callback) are required.
 */
export const OidcEnv = z
  // An empty variable (as docker compose passes an unset one) counts as unset.
  .preprocess((env) => Object.fromEntries(Object.entries(env as Record<string, unknown>).filter(([, v]) => v !== '')), z.object({
    OIDC_ISSUER_URL: z.string().url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** Never logged. Leave unset for a public client (PKCE only). */
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_REDIRECT_URI: z.string().url().optional(),
    PUBLIC_ORIGIN: z.string().url().optional(),
    /** The gateway's default public origin is the first of these (see WebAuthnEnv). */
    WEBAUTHN_ORIGINS: z.string().optional(),
    OIDC_SCOPES: z.string().min(1).default('openid email profile'),
    OIDC_DEFAULT_ROLE: z.enum(['student', 'teacher']).default('student'),
    OIDC_BUTTON_LABEL: z.string().min(1).max(80).default('Sign in with your university account'),
    /** Tests only (NODE_ENV=test): lets openid-client talk to a provider over plain http on localhost. */
    OIDC_ALLOW_INSECURE_HTTP: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  }))
  .superRefine((env, ctx) => {
    if (!env.OIDC_ISSUER_URL) return;
    if (!env.OIDC_CLIENT_ID) ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'is required when OIDC_ISSUER_URL is set' });
    if (!env.OIDC_REDIRECT_URI && !publicOrigin(env)) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_REDIRECT_URI'], message: 'is required when OIDC_ISSUER_URL is set (or set PUBLIC_ORIGIN)' });
    }
    if (!env.OIDC_SCOPES.split(/\s+/).includes('openid')) ctx.addIssue({ code: 'custom', path: ['OIDC_SCOPES'], message: 'must include openid' });
    if (env.OIDC_ALLOW_INSECURE_HTTP && env.NODE_ENV !== 'test') {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ALLOW_INSECURE_HTTP'], message: 'is allowed only in tests (NODE_ENV=test)' });
    }
    if (!env.OIDC_ALLOW_INSECURE_HTTP && !env.OIDC_ISSUER_URL.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER_URL'], message: 'must be an https:// address' });
    }
  })
  .transform((env) => ({
    ...env,
    /** Where the provider sends the browser back: the gateway's callback. */
    OIDC_REDIRECT_URI: env.OIDC_REDIRECT_URI ?? (publicOrigin(env) ? new URL('/api/auth/sso/callback', publicOrigin(env)).toString() : undefined),
  }));

/** The address browsers reach the gateway at, as the gateway itself decides it: PUBLIC_ORIGIN, else the first WebAuthn origin. */
function publicOrigin(env: { PUBLIC_ORIGIN?: string | undefined; WEBAUTHN_ORIGINS?: string | undefined }): string | undefined {
  const first = env.WEBAUTHN_ORIGINS?.split(',').map((o) => o.trim()).find(Boolean);
  const origin = env.PUBLIC_ORIGIN ?? first;
  return origin && URL.canParse(origin) ? origin : undefined;
}
export type OidcConfig = z.output<typeof OidcEnv>;

export class ConfigError extends Error {}

/**
 * Validates the environment once at boot. A bad or missing variable stops the process with a
 * message naming it (never its value, which may be a secret).
 */
export function loadConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.output<T> {
  const result = schema.safeParse(env);
  const issues: { path: PropertyKey[]; message: string }[] = result.success ? connectionIssues(result.data) : result.error.issues;
  if (result.success && issues.length === 0) return withDatabaseCa(result.data);
  const lines = issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** loadConfig for a process's main: on a bad variable, prints which one and exits with code 78 (EX_CONFIG). */
export function loadConfigOrExit<T extends z.ZodType>(schema: T, processName: string): z.output<T> {
  try {
    return loadConfig(schema);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${processName}: ${err.message}\n`);
    process.exit(78);
  }
}
export * from './clock.js';
export * from './ops.js';
export * from './tls.js';
export * from './periodic.js';
export * from './coalesce-writes.js';
