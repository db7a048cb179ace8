import { Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '@classconnect/config';
import { QueueGroup } from '@classconnect/contracts';
import { MessagingModule } from '@classconnect/messaging';
import type { SessionConfig } from './config.js';
import { RedisModule } from './infrastructure/redis.module.js';
import { SessionsModule } from './sessions/sessions.module.js';

@Module({})
export class AppModule {
  static forRoot(config: SessionConfig): DynamicModule {
    return {
      module: AppModule,
      // Global, so that every module gets the one clock.
      global: true,
      imports: [
        MessagingModule.forService(QueueGroup.session, config),
        RedisModule.forRoot({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, tlsCaFile: config.REDIS_TLS_CA_FILE }),
        SessionsModule.forRoot({ maxSessionSeconds: config.SESSION_MAX_LENGTH_SECONDS, sweepIntervalMs: config.SESSION_SWEEP_INTERVAL_MS, reopenWindowSeconds: config.REOPEN_WINDOW_SECONDS }),
      ],
      providers: [{ provide: Clock, useClass: SystemClock }],
      exports: [Clock],
    };
  }
}
