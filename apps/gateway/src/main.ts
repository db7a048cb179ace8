import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '@classconnect/config';
import { announceReady, subscriptionsRegistered } from '@classconnect/messaging';
import { createLogger, metricsRegistry } from '@classconnect/observability';
import { GatewayEnv } from './config/gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { useBodyParsers } from './http/request-body.js';
import { mountWebClient } from './http/web-client.js';
import { SocketAdapter } from './realtime/socket-adapter.js';

const log = createLogger('gateway');
metricsRegistry.setDefaultLabels({ service: 'gateway' });
const config = loadConfigOrExit(GatewayEnv, 'gateway');

try {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), { logger: ['error', 'warn'] });
  app.disable('x-powered-by');
  app.useWebSocketAdapter(new SocketAdapter(app));
  useBodyParsers(app);
  app.enableShutdownHooks();
  if (!mountWebClient(app)) log.warn('the web client is not built (dist/web is missing): serving a placeholder page at /');
  // Every NATS subscription in place before the first phone or browser is served.
  await app.init();
  await subscriptionsRegistered(app);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  log.info({ port: config.GATEWAY_PORT }, 'listening');
  announceReady(log);
} catch (err) {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
}
