import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LuaScript } from '@classconnect/persistence';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { REDIS } from '../infrastructure/infrastructure.module.js';
import { REDIS_KEYS, type RedisKeys } from '../infrastructure/redis-keys.js';

/** One accepted check-in seen with a digest (of a position or a device). `at`: epoch milliseconds. */
export interface Sighting {
  studentId: string;
  submissionId: string;
  at: number;
}

export interface SightingOutcome {
  /** Other students' check-ins with the same digest (within the window, when there is one). */
  others: Sighting[];
  /** Those of `others` this check-in is the first to flag: each gets a flag event of its own. */
  newlyFlagged: Sighting[];
}

/** A student's accepted check-in, remembered (without any position) to compare with the next. */
export interface CheckinStop {
  sessionId: string;
  courseId: string;
  submissionId: string;
  at: number;
}

/** A device (its digest) this account used in a session: at check-in begin, or for an accepted check-in. */
export interface AccountUse {
  device: string;
  at: number;
  submissionId?: string;
}

/**
 * The flags' state. It never holds a coordinate or a client signal: positions and devices are
 * kept as HMACs under a random per-session key, and all of a session's state goes when it closes
 * (a close seen only once the session was open again leaves it to the next close).
 * Every write is idempotent for a redelivered submission, so a check-in decided twice gets the same flags.
 */
export abstract class FlagStateRepository {
  /** The session's random HMAC key (made on first use). */
  abstract sessionKey(sessionId: string): Promise<Buffer>;
  /** Records an exact-position digest; others are every other student with the same digest. */
  abstract sightPosition(sessionId: string, digest: string, sighting: Sighting): Promise<SightingOutcome>;
  /** Records a device digest; others are other students with it within `windowMs`. */
  abstract sightDevice(sessionId: string, digest: string, sighting: Sighting, windowMs: number): Promise<SightingOutcome>;
  /**
   * Remembers the student's latest accepted check-in; returns the one before it (null when none is
   * known), and whether that one's session still has its flag state, i.e. has not closed.
   */
  abstract recordStop(studentId: string, stop: CheckinStop): Promise<(CheckinStop & { sessionOpen: boolean }) | null>;
  /** Records a use of the account in the session; returns every use recorded (this one included). */
  abstract recordUse(sessionId: string, studentId: string, use: AccountUse): Promise<AccountUse[]>;
  /** Deletes the session's key and digests (at close; SessionEndCleaner says when). */
  abstract forgetSession(sessionId: string): Promise<void>;

  /**
   * Forgets what this instance keeps in memory of the session's key (of every session's, without
   * an id), so that its next check-in reads the key from the store. A session that closes may have
   * its key deleted and, when it is reopened, get another: an instance that held on to the old
   * one would digest the same device or position differently from the others.
   */
  forgetCachedKey(_sessionId?: string): void {
    /* a store that keeps nothing in memory has nothing to forget */
  }

  /**
   * An accepted check-in's four records at once: its position, its device and the account's use
   * (when the device is known), and the student's latest stop. Each as its own method does it; a
   * store may do them in one round trip.
   */
  recordCheckin(c: CheckinRecords): Promise<CheckinSightings> {
    return Promise.all([
      this.sightPosition(c.sessionId, c.positionDigest, c.sighting),
      c.device ? this.sightDevice(c.sessionId, c.device.digest, c.sighting, c.device.windowMs) : undefined,
      c.device ? this.recordUse(c.sessionId, c.sighting.studentId, c.device.use) : undefined,
      this.recordStop(c.sighting.studentId, c.stop),
    ]).then(([position, shared, uses, previous]) => ({ position, shared, uses, previous }));
  }
}

/** What FlagStateRepository.recordCheckin records. */
export interface CheckinRecords {
  sessionId: string;
  sighting: Sighting;
  positionDigest: string;
  device?: { digest: string; windowMs: number; use: AccountUse } | undefined;
  stop: CheckinStop;
}

/** What FlagStateRepository.recordCheckin found: each method's answer (the device's two: undefined without a device). */
export interface CheckinSightings {
  position: SightingOutcome;
  shared: SightingOutcome | undefined;
  uses: AccountUse[] | undefined;
  previous: (CheckinStop & { sessionOpen: boolean }) | null;
}

/**
 * KEYS[1] a hash of digest → JSON list of sightings. ARGV: digest, sighting JSON, window ms (0: no
 * window), TTL seconds. A sighting flagged once remembers who flagged it (`by`), so it is flagged
 * once, and a redelivery of that same check-in finds the same ones to flag again.
 */
const SightBody = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local list = raw and cjson.decode(raw) or {}
local me = cjson.decode(ARGV[2])
local window = tonumber(ARGV[3])
local mine = nil
for _, e in ipairs(list) do
  if e.submissionId == me.submissionId then mine = e end
end
if not mine then
  mine = me
  table.insert(list, me)
end
local others = {}
local newly = {}
for _, e in ipairs(list) do
  if e.studentId ~= mine.studentId and (window == 0 or math.abs(e.at - mine.at) <= window) then
    table.insert(others, e)
    if e.by == nil then e.by = mine.submissionId end
    if e.by == mine.submissionId then table.insert(newly, e) end
  end
end
if #others > 0 and mine.by == nil then mine.by = mine.submissionId end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(list))
redis.call('EXPIRE', KEYS[1], ARGV[4])
return cjson.encode({ others = others, newly = newly })
`;
const SightScript = new LuaScript(SightBody);

/**
 * KEYS[1] the student's {last, prev}. ARGV: stop JSON, TTL seconds, the prefix of the sessions' flag
 * keys. Returns the stop before this one, with `sessionOpen`: whether its session's flag key is still
 * there (it is made at that session's first accepted check-in and deleted when the session closes).
 */
const StopBody = `
local raw = redis.call('GET', KEYS[1])
local state = raw and cjson.decode(raw) or {}
local me = cjson.decode(ARGV[1])
if not (state.last and state.last.submissionId == me.submissionId) then
  state.prev = state.last
  state.last = me
  redis.call('SET', KEYS[1], cjson.encode(state), 'EX', ARGV[2])
end
if not state.prev then return false end
state.prev.sessionOpen = redis.call('EXISTS', ARGV[3] .. state.prev.sessionId) == 1
return cjson.encode(state.prev)
`;
const StopScript = new LuaScript(StopBody);

/** KEYS[1] a hash of studentId → JSON list of uses. ARGV: studentId, use JSON, TTL seconds. Keeps the 20 latest. */
const UseBody = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local list = raw and cjson.decode(raw) or {}
local me = cjson.decode(ARGV[2])
local seen = false
if me.submissionId then
  for _, e in ipairs(list) do
    if e.submissionId == me.submissionId then seen = true end
  end
end
if not seen then table.insert(list, me) end
while #list > 20 do table.remove(list, 1) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(list))
redis.call('EXPIRE', KEYS[1], ARGV[3])
return cjson.encode(list)
`;
const UseScript = new LuaScript(UseBody);

/**
 * The three scripts above in one, for an accepted check-in (each body a Lua function whose KEYS and
 * ARGV are its own). KEYS: the positions hash, the devices hash, the uses hash, the student's stops.
 * ARGV: [1] position digest, [2] sighting JSON, [3] TTL seconds, [4] device digest ('' when none),
 * [5] device window ms, [6] student id, [7] use JSON, [8] stop JSON, [9] prefix of the sessions' flag
 * keys. Replies {position, device or nil, uses or nil, previous stop or nil}, each as its own script does.
 */
const RecordCheckinScript = new LuaScript(`
local function sight(KEYS, ARGV)${SightBody}end
local function use(KEYS, ARGV)${UseBody}end
local function stop(KEYS, ARGV)${StopBody}end
local position = sight({ KEYS[1] }, { ARGV[1], ARGV[2], '0', ARGV[3] })
local device = false
local uses = false
if ARGV[4] ~= '' then
  device = sight({ KEYS[2] }, { ARGV[4], ARGV[2], ARGV[5], ARGV[3] })
  uses = use({ KEYS[3] }, { ARGV[6], ARGV[7], ARGV[3] })
end
return { position, device, uses, stop({ KEYS[4] }, { ARGV[8], ARGV[3], ARGV[9] }) }
`);

/** How many sessions' keys an instance keeps in memory, and for how long at most (a bound, should the news of a close or a reopening not reach it). */
const KeyCacheSize = 10_000;
const KeyCacheMs = 60_000;

/** cjson encodes an empty table as {}: read it as an empty list. */
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const strip = (s: Sighting & { by?: string }): Sighting => ({ studentId: s.studentId, submissionId: s.submissionId, at: s.at });

function sightingOf(raw: string): SightingOutcome {
  const parsed = JSON.parse(raw) as { others?: unknown; newly?: unknown };
  return { others: list<Sighting>(parsed.others).map(strip), newlyFlagged: list<Sighting>(parsed.newly).map(strip) };
}

function stopOf(raw: string | null): (CheckinStop & { sessionOpen: boolean }) | null {
  return raw ? (JSON.parse(raw) as CheckinStop & { sessionOpen: boolean }) : null;
}

@Injectable()
export class RedisFlagStateRepository extends FlagStateRepository {
  private readonly ttlSeconds: number;
  private readonly keyCache = new Map<string, { key: Buffer; until: number }>();
  /** Grows with every forget: a key read from Redis before one is not kept (it may be the old key). */
  private generation = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(VERIFICATION_CONFIG) config: Pick<VerificationConfig, 'FLAG_STATE_TTL_SECONDS'>,
  ) {
    super();
    this.ttlSeconds = config.FLAG_STATE_TTL_SECONDS;
  }

  async sessionKey(sessionId: string): Promise<Buffer> {
    const cached = this.keyCache.get(sessionId);
    if (cached && cached.until > Date.now()) return cached.key;
    const generation = this.generation;
    const key = this.keys.flagSessionKey(sessionId);
    // SET NX then GET: every instance ends up with the one key the first instance set.
    await this.redis.set(key, randomBytes(32).toString('base64'), 'EX', this.ttlSeconds, 'NX');
    const stored = await this.redis.get(key);
    if (!stored) throw new Error(`the flag key of session ${sessionId} vanished right after it was set`);
    const value = Buffer.from(stored, 'base64');
    // A session's key never changes while it is open (a closed session accepts no check-in), so each
    // instance keeps the recent ones. Its close deletes it, and after a reopening another is made:
    // SessionKeyInvalidation forgets the session's key here then, and the time bound covers news lost.
    if (generation !== this.generation) return value;
    if (this.keyCache.size >= KeyCacheSize) this.keyCache.delete(this.keyCache.keys().next().value as string);
    this.keyCache.set(sessionId, { key: value, until: Date.now() + KeyCacheMs });
    return value;
  }

  sightPosition(sessionId: string, digest: string, sighting: Sighting): Promise<SightingOutcome> {
    return this.sight(this.keys.flagPositions(sessionId), digest, sighting, 0);
  }

  sightDevice(sessionId: string, digest: string, sighting: Sighting, windowMs: number): Promise<SightingOutcome> {
    return this.sight(this.keys.flagDevices(sessionId), digest, sighting, windowMs);
  }

  private async sight(key: string, digest: string, sighting: Sighting, windowMs: number): Promise<SightingOutcome> {
    return sightingOf((await SightScript.run(this.redis, [key], [digest, JSON.stringify(sighting), windowMs, this.ttlSeconds])) as string);
  }

  async recordStop(studentId: string, stop: CheckinStop): Promise<(CheckinStop & { sessionOpen: boolean }) | null> {
    return stopOf(
      (await StopScript.run(this.redis, [this.keys.flagLastCheckin(studentId)], [JSON.stringify(stop), this.ttlSeconds, this.keys.flagSessionKey('')])) as string | null,
    );
  }

  async recordUse(sessionId: string, studentId: string, use: AccountUse): Promise<AccountUse[]> {
    const raw = (await UseScript.run(this.redis, [this.keys.flagAccountUses(sessionId)], [studentId, JSON.stringify(use), this.ttlSeconds])) as string;
    return list<AccountUse>(JSON.parse(raw));
  }

  /** One script where four were sent: every accepted check-in records these. */
  override async recordCheckin(c: CheckinRecords): Promise<CheckinSightings> {
    const { sessionId, sighting, device } = c;
    const [position, shared, uses, previous] = (await RecordCheckinScript.run(
      this.redis,
      [this.keys.flagPositions(sessionId), this.keys.flagDevices(sessionId), this.keys.flagAccountUses(sessionId), this.keys.flagLastCheckin(sighting.studentId)],
      [
        c.positionDigest,
        JSON.stringify(sighting),
        this.ttlSeconds,
        device?.digest ?? '',
        device?.windowMs ?? 0,
        sighting.studentId,
        device ? JSON.stringify(device.use) : '',
        JSON.stringify(c.stop),
        this.keys.flagSessionKey(''),
      ],
    )) as [string, string | null, string | null, string | null];
    return {
      position: sightingOf(position),
      shared: device && shared ? sightingOf(shared) : undefined,
      uses: device && uses ? list<AccountUse>(JSON.parse(uses)) : undefined,
      previous: stopOf(previous),
    };
  }

  async forgetSession(sessionId: string): Promise<void> {
    await this.redis.del(
      this.keys.flagSessionKey(sessionId),
      this.keys.flagPositions(sessionId),
      this.keys.flagDevices(sessionId),
      this.keys.flagAccountUses(sessionId),
    );
    // Once the key is gone: a read of it still under way then is not kept either.
    this.forgetCachedKey(sessionId);
  }

  override forgetCachedKey(sessionId?: string): void {
    this.generation++;
    if (sessionId === undefined) this.keyCache.clear();
    else this.keyCache.delete(sessionId);
  }
}
