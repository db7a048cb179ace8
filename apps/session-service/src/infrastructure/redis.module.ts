import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { coalesceWrites, redisTlsOptions } from '@classconnect/config';
import { countDependencyError, createLogger } from '@classconnect/observability';

/** The process's Redis client. */
export const REDIS = Symbol('REDIS');
/** The prefix of every key this service writes, e.g. `cc:`. */
export const REDIS_KEY_PREFIX = Symbol('REDIS_KEY_PREFIX');

const log = createLogger('Redis');

export function connectRedis(url: string, tlsCaFile?: string): Redis {
  // Pinned rather than left to defaults: every reply shape the repository parses (HGETALL as an
  // object, Lua tables as flat arrays) is the one RESP3 gives with the legacy mapping.
  const redis = new Redis(url, {
    protocol: 3,
    replyMapping: 'legacy',
    maxRetriesPerRequest: 3,
    ...redisTlsOptions({ REDIS_URL: url, REDIS_TLS_CA_FILE: tlsCaFile }),
  });
  // No auto-pipelining: what one turn of the event loop sends already leaves in one write
  // (coalesceWrites), and ioredis's pipelines cost about twice the CPU per command (docs/benchmarks/README.md).
  redis.on('connect', () => coalesceWrites(redis.stream));
  redis.on('error', (err) => {
    countDependencyError('redis');
    log.warn({ err: { message: err.message } }, 'Redis connection error');
  });
  return redis;
}

/** True for the failures that mean Redis could not be reached, as opposed to a bug. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || /^(Connection is closed|Stream isn't writeable|LOADING|ECONNREFUSED)/.test(err.message);
}

/** Runs a Redis operation; an unreachable Redis becomes SERVICE_UNAVAILABLE for the caller. */
export async function redisCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (!isRedisUnavailable(err)) throw err;
    log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'Redis unavailable');
    throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Live sessions are unavailable right now. Please try again in a moment.');
  }
}

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class RedisModule {
  static forRoot(opts: { url: string; keyPrefix: string; tlsCaFile?: string | undefined }): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        {
          provide: REDIS,
          useFactory: async () => {
            const redis = connectRedis(opts.url, opts.tlsCaFile);
            await redis.ping(); // so that `service ready` means Redis answers too
            return redis;
          },
        },
        { provide: REDIS_KEY_PREFIX, useValue: opts.keyPrefix },
        RedisLifecycle,
      ],
      exports: [REDIS, REDIS_KEY_PREFIX],
    };
  }
}
