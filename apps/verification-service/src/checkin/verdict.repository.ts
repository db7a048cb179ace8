import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';
import type { Verdict } from './verdict.js';

/** Verdicts by submission id, so a redelivered submission is answered with the decision already made. */
export abstract class VerdictRepository {
  abstract find(submissionId: string): Promise<Verdict | null>;
  /** Stores the verdict unless one exists; returns whichever is stored. */
  abstract saveIfAbsent(verdict: Verdict): Promise<Verdict>;
}

const VerdictTtlSeconds = 24 * 60 * 60;

@Injectable()
export class RedisVerdictRepository extends VerdictRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {
    super();
  }

  async find(submissionId: string): Promise<Verdict | null> {
    const raw = await this.redis.get(this.keys.verdict(submissionId));
    return raw ? (JSON.parse(raw) as Verdict) : null;
  }

  async saveIfAbsent(verdict: Verdict): Promise<Verdict> {
    const stored = await this.redis.set(this.keys.verdict(verdict.submissionId), JSON.stringify(verdict), 'EX', VerdictTtlSeconds, 'NX');
    if (stored === 'OK') return verdict;
    return (await this.find(verdict.submissionId)) ?? verdict;
  }
}
