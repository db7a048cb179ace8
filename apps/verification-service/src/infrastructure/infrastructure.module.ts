import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { redisTlsOptions, coalesceWrites } from '@classconnect/config';
import { countDependencyError, createLogger } from '@classconnect/observability';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { REDIS_KEYS, RedisKeys } from './redis-keys.js';
import { openVerificationDataSource } from './verification-database.js';

/** Injection token of the service's Redis connection. */
export const REDIS = Symbol('REDIS');

const log = createLogger('Infrastructure');

class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function openRedis(config: Pick<VerificationConfig, 'REDIS_URL' | 'REDIS_TLS_CA_FILE'>): Redis {
  // No auto-pipelining: what one turn of the event loop sends already leaves in one write
  // (coalesceWrites), and ioredis's pipelines cost about twice the CPU per command (docs/benchmarks/README.md).
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, ...redisTlsOptions(config) });
  redis.on('connect', () => coalesceWrites(redis.stream));
  // ioredis reconnects by itself; without a listener an outage would crash the process.
  redis.on('error', (err) => {
    countDependencyError('redis');
    log.warn({ err: err.message }, 'Redis connection error');
  });
  return redis;
}

/**
 * What every part of the service shares: its config, the Postgres pool (own schema; migrations run
 * before this opens, see main.ts), and the Redis connection with its key names.
 */
@Module({})
export class InfrastructureModule {
  static forRoot(config: VerificationConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      global: true,
      providers: [
        { provide: VERIFICATION_CONFIG, useValue: config },
        { provide: DataSource, useFactory: () => openVerificationDataSource(config.DATABASE_URL) },
        { provide: REDIS, useFactory: () => openRedis(config) },
        { provide: REDIS_KEYS, useValue: new RedisKeys(config.REDIS_KEY_PREFIX) },
        ConnectionsLifecycle,
      ],
      exports: [VERIFICATION_CONFIG, DataSource, REDIS, REDIS_KEYS],
    };
  }
}
