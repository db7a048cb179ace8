import { z } from 'zod';

/** Variables every service reads. Each app extends this with its own. */
export const BaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
});

export const RedisEnv = z.object({ REDIS_URL: z.string().url().default('redis://127.0.0.1:6379') });
export const DatabaseEnv = z.object({ DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/classconnect') });
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
export const SecretNames = ['AUTH_TOKEN_SECRET', 'DATABASE_URL', 'REDIS_URL'];

export class ConfigError extends Error {}

/**
 * Validates the environment once at boot. A bad or missing variable stops the process with a
 * message naming it (never its value, which may be a secret).
 */
export function loadConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
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
