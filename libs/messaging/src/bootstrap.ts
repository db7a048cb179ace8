import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@classconnect/config';
import { createLogger, type Logger } from '@classconnect/observability';

/**
 * Says the process serves: a `service ready` log line for people, and a message to the parent
 * process when it was started with an IPC channel (the launcher and the test harness wait for it,
 * whatever the log level).
 */
export function announceReady(log: Logger): void {
  log.info({ pid: process.pid }, 'service ready');
  process.send?.({ type: 'ready', pid: process.pid });
}

/**
 * Starts a NATS-only service as a Nest application context, logs `service ready` once every
 * handler is registered, and shuts down cleanly on SIGTERM/SIGINT. A configuration error stops
 * the process with a message naming the variable.
 */
export async function bootstrapService(name: string, module: unknown): Promise<void> {
  const log = createLogger(name);
  try {
    const app = await NestFactory.createApplicationContext(module as never, { logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    await app.init();
    announceReady(log);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(78);
    }
    log.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
