import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';

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
];

const root = pino({
  level: process.env.LOG_LEVEL ?? 'info',
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
