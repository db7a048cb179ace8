import 'reflect-metadata';
import { loadConfigOrExit } from '@classconnect/config';
import { bootstrapService } from '@classconnect/messaging';
import type { Redis } from 'ioredis';
import { AppModule } from './app.module.js';
import { ServiceName, SessionEnv } from './config.js';
import { REDIS } from './infrastructure/redis.module.js';

const config = loadConfigOrExit(SessionEnv, ServiceName);
await bootstrapService(ServiceName, AppModule.forRoot(config), {
  opsPort: config.OPS_PORT,
  // Live sessions are in Redis: without it this service can serve nothing.
  checks: (app) => [{ name: 'redis', check: async () => void (await app.get<Redis>(REDIS).ping()) }],
});
