import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { LuaScript } from '@classconnect/persistence';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';
import type { Verdict } from './verdict.js';

/** Verdicts by submission id, so a redelivered submission is answered with the decision already made. */
export abstract class VerdictRepository {
  abstract find(submissionId: string): Promise<Verdict | null>;
  /**
   * Stores the verdict unless one exists; returns whichever is stored. Given the challenge the
   * submission claimed, the challenge forgets the session context it carried (the fence's centre) in
   * the same step: from then on a redelivery is answered from the verdict, and the claim stays, so the
   * same answer cannot be used again.
   */
  abstract saveIfAbsent(verdict: Verdict, claimedChallenge?: string): Promise<Verdict>;
}

/**
 * KEYS[1] the verdict, KEYS[2] (optional) the claimed challenge; ARGV: the verdict as JSON, its TTL in
 * seconds. Replies false when this verdict was stored, else the verdict stored before.
 */
const SaveVerdictScript = new LuaScript(`
local earlier = false
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then earlier = redis.call('GET', KEYS[1]) end
if KEYS[2] then
  local raw = redis.call('GET', KEYS[2])
  if raw then
    local c = cjson.decode(raw)
    if c.context then
      c.context = nil
      redis.call('SET', KEYS[2], cjson.encode(c), 'KEEPTTL')
    end
  end
end
return earlier
`);

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

  async saveIfAbsent(verdict: Verdict, claimedChallenge?: string): Promise<Verdict> {
    const keys = [this.keys.verdict(verdict.submissionId), ...(claimedChallenge ? [this.keys.checkinChallenge(claimedChallenge)] : [])];
    const earlier = (await SaveVerdictScript.run(this.redis, keys, [JSON.stringify(verdict), VerdictTtlSeconds])) as string | null;
    return earlier ? (JSON.parse(earlier) as Verdict) : verdict;
  }
}
