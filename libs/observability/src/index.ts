import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { LogLevel } from '@classconnect/config';

export type { Logger } from 'pino';
export * from './metrics.js';
export * from './ops-server.js';

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
  // Every line written while handling one check-in (or any request) names its correlation id,
  // whichever class writes it: see withCorrelation.
  mixin: () => {
    const correlationId = correlation.getStore();
    return correlationId ? { correlationId } : {};
  },
});

const correlation = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with `correlationId` as the current one: every log line written inside it (however deep)
 * carries it, and every NATS request or event published inside it sends it on in the
 * Cc-Correlation-Id header (libs/messaging), so one check-in can be followed across services.
 */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return correlation.run(correlationId, fn);
}

/** The correlation id of the work being done now, if any. */
export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

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
