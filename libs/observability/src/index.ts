import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { LogLevel } from '@classconnect/config';

export type { Logger } from 'pino';

/** Paths never written to a log line: tokens, passwords, assertions, positions. */
export const RedactPaths = [
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'assertion',
  '*.assertion',
  'response',
  '*.response',
  'position',
  '*.position',
  'fence',
  '*.fence',
  'latitude',
  '*.latitude',
  'longitude',
  '*.longitude',
  'refreshToken',
  '*.refreshToken',
  'qrSecret',
  '*.qrSecret',
  'secret',
  '*.secret',
];

/**
 * The level comes from LOG_LEVEL, checked against the same list the services' config schema
 * (libs/config BaseEnv) holds: a wrong value stops the process with a message naming it, as any
 * other bad variable does. It is read here, at import, because loggers are made before config.
 */
function logLevel(): LogLevel {
  const parsed = LogLevel.safeParse(process.env.LOG_LEVEL ?? 'info');
  if (parsed.success) return parsed.data;
  process.stderr.write(`Invalid configuration:\n  LOG_LEVEL: must be one of ${LogLevel.options.join(', ')}\n`);
  process.exit(78);
}

const root = pino({
  level: logLevel(),
  base: { service: process.env.SERVICE_NAME ?? 'classconnect' },
  redact: { paths: RedactPaths, censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** A structured JSON logger with the given class or module as its context. */
export function createLogger(context: string): Logger {
  return root.child({ context });
}

export function newCorrelationId(): string {
  return randomUUID();
}

export function newErrorId(): string {
  return randomUUID().slice(0, 8);
}
