import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';

/** Passkey sign-in challenges: issued to nobody in particular, claimed by the first answer. */
export abstract class SignInChallengeRepository {
  abstract issue(challenge: string, ttlSeconds: number): Promise<void>;
  /** true when the challenge was live and is now used up. */
  abstract claim(challenge: string): Promise<boolean>;
}

@Injectable()
export class RedisSignInChallengeRepository extends SignInChallengeRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {
    super();
  }

  async issue(challenge: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keys.signInChallenge(challenge), '1', 'EX', ttlSeconds, 'NX');
  }

  async claim(challenge: string): Promise<boolean> {
    return (await this.redis.del(this.keys.signInChallenge(challenge))) === 1;
  }
}
