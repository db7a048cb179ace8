import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';

/** The challenge of a passkey registration in progress: one per user, used at most once. */
export abstract class RegistrationChallengeRepository {
  abstract save(userId: string, challenge: string, ttlSeconds: number): Promise<void>;
  /** Returns the pending challenge and deletes it, so it can be used only once. */
  abstract take(userId: string): Promise<string | null>;
}

@Injectable()
export class RedisRegistrationChallengeRepository extends RegistrationChallengeRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {
    super();
  }

  async save(userId: string, challenge: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keys.registrationChallenge(userId), challenge, 'EX', ttlSeconds);
  }

  take(userId: string): Promise<string | null> {
    return this.redis.getdel(this.keys.registrationChallenge(userId));
  }
}
