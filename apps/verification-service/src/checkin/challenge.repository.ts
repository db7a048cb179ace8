import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { LuaScript } from '@classconnect/persistence';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';
import type { Fence } from './geofence.js';
import type { Verdict } from './verdict.js';

export interface ChallengeOwner {
  sessionId: string;
  studentId: string;
}

/**
 * What the verdict needs of the session, as session-service said when the challenge was issued (a
 * challenge is only issued to an enrolled student of an open session, before its window ends): none
 * of it changes while the session is open, so deciding needs no second look. What can change (open,
 * enrolled, the window, present) is checked again, atomically, when the mark is recorded.
 */
export interface ChallengeContext {
  courseId: string;
  /**
   * The fence's centre never leaves the server side: it is kept here, with the challenge, until the
   * verdict is stored or the session closes. Absent: the session closed before the challenge was used.
   */
  fence?: Fence;
  qrMode?: 'offered' | 'required';
  /** When check-ins end (ISO 8601); absent: they never end before the session does. */
  checkinClosesAt?: string;
  /**
   * `valid`: the student gave the rotating QR code at checkin:begin and session-service judged it
   * then; the verdict relies on that (a wrong or stale code refused the begin, and no challenge was made).
   */
  qr?: 'valid';
}

export type ClaimResult =
  | { result: 'claimed'; context: ChallengeContext }
  /** The submission was decided before (this is a redelivery): its verdict as stored, and nothing was claimed. */
  | { result: 'decided'; verdict: Verdict }
  | { result: 'not_found' | 'mismatch' | 'already_used' };

/** Check-in challenges: issued for one (session, student) with the session's context, claimed by exactly one submission. */
export abstract class ChallengeRepository {
  /** `issuedAt`: when it was issued (epoch ms), so a session's close forgets only the challenges issued before it. */
  abstract issue(challenge: string, owner: ChallengeOwner, context: ChallengeContext, ttlSeconds: number, issuedAt: number): Promise<void>;
  /**
   * Atomically claims the challenge for a submission and gives its context; claiming again for the
   * same submission succeeds. A submission with a stored verdict (a redelivery) gets that verdict
   * instead, in the same step, and claims nothing.
   */
  abstract claim(challenge: string, owner: ChallengeOwner, submissionId: string): Promise<ClaimResult>;
  /**
   * Once the session has closed (at `closedAt`, epoch ms), its unclaimed challenges issued before
   * then forget the fence's centre (a submission still to come is then told the session is no longer
   * open). A claimed one keeps it: its submission is being decided, and the stored verdict drops it.
   * One issued after the close belongs to the session reopened since (the close was seen late) and
   * is left as it is, for that session's own close.
   */
  abstract forgetSession(sessionId: string, closedAt: number): Promise<void>;
}

/**
 * KEYS[1] the challenge, KEYS[2] the submission's verdict; ARGV: sessionId, studentId, submissionId,
 * minimum life of a claimed challenge (ms). Replies {'decided', the verdict as JSON} when the
 * submission has one, else {'claimed', the challenge as JSON} or {reason}. The claim keeps the
 * challenge's TTL but never leaves a claimed one with less than the minimum, so a redelivery after a
 * crash still finds the claim it made and reaches the same verdict.
 */
const ClaimScript = new LuaScript(`
local decided = redis.call('GET', KEYS[2])
if decided then return {'decided', decided} end
local raw = redis.call('GET', KEYS[1])
if not raw then return {'not_found'} end
local c = cjson.decode(raw)
if c.sessionId ~= ARGV[1] or c.studentId ~= ARGV[2] then return {'mismatch'} end
if c.claimedBy and c.claimedBy ~= ARGV[3] then return {'already_used'} end
if not c.claimedBy then
  c.claimedBy = ARGV[3]
  redis.call('SET', KEYS[1], cjson.encode(c), 'KEEPTTL')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl >= 0 and ttl < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {'claimed', raw}
`);

/**
 * KEYS[1] the challenge, KEYS[2] the session's set of challenges; ARGV: the challenge record, its TTL
 * in seconds, the set's TTL in seconds, the challenge (the set's member). One command where three were sent (Redis and the client each
 * pay per command, at nine o'clock a thousand times a second).
 */
const IssueScript = new LuaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX')
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`);

/**
 * KEYS[1] the session's set of challenges; ARGV[1] the challenge key prefix, ARGV[2] the close (epoch
 * ms). Takes the fence out of the context of every challenge of the set that was issued before the
 * close and never claimed, and takes those issued before the close out of the set (a challenge from
 * before challenges carried their issue time counts as before). The context is a string of its own:
 * decoded, changed, encoded; without the fence it holds no number.
 */
const ForgetSessionScript = new LuaScript(`
local closedAt = tonumber(ARGV[2])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. id
  local raw = redis.call('GET', key)
  local c = raw and cjson.decode(raw)
  if not (c and c.issuedAt and tonumber(c.issuedAt) > closedAt) then
    if c and not c.claimedBy and c.context then
      local context = cjson.decode(c.context)
      context.fence = nil
      c.context = cjson.encode(context)
      redis.call('SET', key, cjson.encode(c), 'KEEPTTL')
    end
    redis.call('SREM', KEYS[1], id)
  end
end
return 1
`);

/** How long a session's challenge list outlives its last challenge, should the close never be seen. */
const SessionChallengesTtlSeconds = 12 * 60 * 60;

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

  async issue(challenge: string, owner: ChallengeOwner, context: ChallengeContext, ttlSeconds: number, issuedAt: number): Promise<void> {
    // The context as a string of its own: the claim script re-encodes the record, and cjson would
    // round its numbers (the issue time too: a string).
    const value = JSON.stringify({ sessionId: owner.sessionId, studentId: owner.studentId, issuedAt: String(issuedAt), context: JSON.stringify(context) });
    await IssueScript.run(
      this.redis,
      [this.keys.checkinChallenge(challenge), this.keys.sessionChallenges(owner.sessionId)],
      [value, ttlSeconds, SessionChallengesTtlSeconds, challenge],
    );
  }

  async forgetSession(sessionId: string, closedAt: number): Promise<void> {
    await ForgetSessionScript.run(this.redis, [this.keys.sessionChallenges(sessionId)], [this.keys.checkinChallenge(''), closedAt]);
  }

  async claim(challenge: string, owner: ChallengeOwner, submissionId: string): Promise<ClaimResult> {
    const [result, raw] = (await ClaimScript.run(
      this.redis,
      [this.keys.checkinChallenge(challenge), this.keys.verdict(submissionId)],
      [owner.sessionId, owner.studentId, submissionId, ClaimedChallengeMinLifeMs],
    )) as [string, string?];
    if (result === 'decided') return { result: 'decided', verdict: JSON.parse(raw!) as Verdict };
    if (result !== 'claimed') return { result: result as 'not_found' | 'mismatch' | 'already_used' };
    const { context } = JSON.parse(raw!) as { context?: string };
    // A challenge issued before challenges carried their context: as if it had expired (the student begins again).
    return context ? { result: 'claimed', context: JSON.parse(context) as ChallengeContext } : { result: 'not_found' };
  }
}
