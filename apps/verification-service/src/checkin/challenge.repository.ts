import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { LuaScript } from '@classconnect/persistence';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';

export interface ChallengeOwner {
  sessionId: string;
  studentId: string;
}

export type ClaimResult = 'claimed' | 'not_found' | 'mismatch' | 'already_used';

/** Check-in challenges: issued for one (session, student), claimed by exactly one submission. */
export abstract class ChallengeRepository {
  abstract issue(challenge: string, owner: ChallengeOwner, ttlSeconds: number): Promise<void>;
  /** Atomically claims the challenge for a submission; claiming again for the same submission succeeds. */
  abstract claim(challenge: string, owner: ChallengeOwner, submissionId: string): Promise<ClaimResult>;
}

/**
 * KEYS[1] the challenge; ARGV: sessionId, studentId, submissionId, minimum life of a claimed challenge (ms).
 * The claim keeps the challenge's TTL but never leaves a claimed one with less than the minimum, so a
 * redelivery after a crash still finds the claim it made and reaches the same verdict.
 */
const ClaimScript = new LuaScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 'not_found' end
local c = cjson.decode(raw)
if c.sessionId ~= ARGV[1] or c.studentId ~= ARGV[2] then return 'mismatch' end
if c.claimedBy and c.claimedBy ~= ARGV[3] then return 'already_used' end
if not c.claimedBy then
  c.claimedBy = ARGV[3]
  redis.call('SET', KEYS[1], cjson.encode(c), 'KEEPTTL')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl >= 0 and ttl < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 'claimed'
`);

/** How long a claimed challenge lives at least: longer than the intake consumer's ack wait and a few redeliveries. */
const ClaimedChallengeMinLifeMs = 10 * 60 * 1000;

@Injectable()
export class RedisChallengeRepository extends ChallengeRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {
    super();
  }

  async issue(challenge: string, owner: ChallengeOwner, ttlSeconds: number): Promise<void> {
    const value = JSON.stringify({ sessionId: owner.sessionId, studentId: owner.studentId });
    await this.redis.set(this.keys.checkinChallenge(challenge), value, 'EX', ttlSeconds, 'NX');
  }

  async claim(challenge: string, owner: ChallengeOwner, submissionId: string): Promise<ClaimResult> {
    const result = await ClaimScript.run(
      this.redis,
      [this.keys.checkinChallenge(challenge)],
      [owner.sessionId, owner.studentId, submissionId, ClaimedChallengeMinLifeMs],
    );
    return String(result) as ClaimResult;
  }
}
