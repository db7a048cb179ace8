/**
 * The check-in flags' Redis state (Lua scripts) against a real Redis: a digest seen by two students
 * flags the first one once, a redelivery gets the same answer, the window is honoured, a student's
 * previous check-in is remembered without ever being compared with itself, a session's state goes
 * at once when it closes, and a cached key is read again once forgotten (or a minute old), and not
 * kept when it was read while a forget came.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { FlagStateRepository, RedisFlagStateRepository, type CheckinRecords } from '../../../apps/verification-service/src/flags/flag-state.repository.js';
import { RedisKeys } from '../../../apps/verification-service/src/infrastructure/redis-keys.js';

const prefix = `test-flags-${randomUUID().slice(0, 8)}:`;

describe('RedisFlagStateRepository', () => {
  let redis: Redis;
  let repo: RedisFlagStateRepository;
  const t0 = Date.parse('2026-03-02T09:00:00.000Z');
  const sighting = (studentId: string, at = t0) => ({ studentId, submissionId: randomUUID().slice(0, 22), at });

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    repo = new RedisFlagStateRepository(redis, new RedisKeys(prefix), { FLAG_STATE_TTL_SECONDS: 600 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps one random key per session', async () => {
    const s = randomUUID();
    const key = await repo.sessionKey(s);
    expect(key).toHaveLength(32);
    expect(await repo.sessionKey(s)).toEqual(key);
    expect(await repo.sessionKey(randomUUID())).not.toEqual(key);
    expect(await redis.ttl(`${prefix}flags:key:${s}`)).toBeGreaterThan(500);
  });

  it('flags the first sighting once, when a second student matches; a redelivery gets the same answer', async () => {
    const s = randomUUID();
    const [a, b, c] = [sighting('alice'), sighting('bob'), sighting('carol')];
    expect(await repo.sightPosition(s, 'd1', a)).toEqual({ others: [], newlyFlagged: [] });
    expect(await repo.sightPosition(s, 'd1', b)).toEqual({ others: [a], newlyFlagged: [a] });
    expect(await repo.sightPosition(s, 'd1', b)).toEqual({ others: [a], newlyFlagged: [a] });
    expect(await repo.sightPosition(s, 'd1', c)).toEqual({ others: [a, b], newlyFlagged: [] });
    expect(await repo.sightPosition(s, 'd2', sighting('dave'))).toEqual({ others: [], newlyFlagged: [] });
  });

  it('counts devices only within the window', async () => {
    const s = randomUUID();
    const a = sighting('alice', t0);
    await repo.sightDevice(s, 'dev', a, 60_000);
    expect((await repo.sightDevice(s, 'dev', sighting('bob', t0 + 61_000), 60_000)).others).toEqual([]);
    expect((await repo.sightDevice(s, 'dev', sighting('carol', t0 + 59_000), 60_000)).others.map((o) => o.studentId)).toEqual(['alice', 'bob']);
  });

  it('remembers a student’s previous check-in, gives a redelivery the same previous one, and says whether its session is still open', async () => {
    const student = randomUUID();
    const first = { sessionId: randomUUID(), courseId: randomUUID(), submissionId: 'one', at: t0 };
    const second = { ...first, sessionId: randomUUID(), submissionId: 'two', at: t0 + 60_000 };
    expect(await repo.recordStop(student, first)).toBeNull();
    // The first session has no flag key (nothing was checked in to it through the detector): as if closed.
    expect(await repo.recordStop(student, second)).toEqual({ ...first, sessionOpen: false });
    await repo.sessionKey(first.sessionId);
    expect(await repo.recordStop(student, second)).toEqual({ ...first, sessionOpen: true });
    await repo.forgetSession(first.sessionId);
    expect(await repo.recordStop(student, second)).toEqual({ ...first, sessionOpen: false });
  });

  it('records uses of an account once per submission, and forgets a closed session', async () => {
    const s = randomUUID();
    await repo.recordUse(s, 'alice', { device: 'phone', at: t0 });
    await repo.recordUse(s, 'alice', { device: 'laptop', at: t0 + 1, submissionId: 'x' });
    expect(await repo.recordUse(s, 'alice', { device: 'laptop', at: t0 + 1, submissionId: 'x' })).toHaveLength(2);
    await repo.sessionKey(s);
    await repo.sightPosition(s, 'd', sighting('alice'));
    await repo.forgetSession(s);
    expect(await redis.keys(`${prefix}flags:*:${s}`)).toEqual([]);
  });

  it('reads a session’s key from Redis again once told to forget its cached one (another instance deleted it at the close, and the reopened session has another)', async () => {
    const s = randomUUID();
    const other = new RedisFlagStateRepository(redis, new RedisKeys(prefix), { FLAG_STATE_TTL_SECONDS: 600 });
    const old = await repo.sessionKey(s);
    expect(await other.sessionKey(s)).toEqual(old);
    // The close, handled by the other instance; after the reopening its first check-in makes a new key.
    await other.forgetSession(s);
    const renewed = await other.sessionKey(s);
    expect(renewed).not.toEqual(old);
    // This instance still digests with the old key until it forgets it (SessionKeyInvalidation, on the events).
    expect(await repo.sessionKey(s)).toEqual(old);
    repo.forgetCachedKey(s);
    expect(await repo.sessionKey(s)).toEqual(renewed);
    other.forgetCachedKey();
    expect(await other.sessionKey(s)).toEqual(renewed);
  });

  it('does not keep a key it was reading while told to forget (it may be the old one), and keeps none longer than a minute', async () => {
    const s = randomUUID();
    const redisKey = `${prefix}flags:key:${s}`;
    const fresh = new RedisFlagStateRepository(redis, new RedisKeys(prefix), { FLAG_STATE_TTL_SECONDS: 600 });
    // The read starts (its first await is Redis), and the news of a close arrives before it ends.
    const reading = fresh.sessionKey(s);
    fresh.forgetCachedKey(s);
    const old = await reading;
    // The close deleted the key elsewhere and the reopened session has a new one.
    const renewed = Buffer.alloc(32, 7);
    await redis.set(redisKey, renewed.toString('base64'), 'EX', 600);
    expect(await fresh.sessionKey(s)).toEqual(renewed);
    expect(renewed).not.toEqual(old);

    // Kept from here on (no forget came during this read)…
    const later = Buffer.alloc(32, 9);
    await redis.set(redisKey, later.toString('base64'), 'EX', 600);
    expect(await fresh.sessionKey(s)).toEqual(renewed);
    // …but for a minute at most, should the news of a change never come.
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expect(await fresh.sessionKey(s)).toEqual(later);
    } finally {
      clock.mockRestore();
    }
  });

  it('records an accepted check-in in one script exactly as the four scripts one by one: the same answers, the same state', async () => {
    // The same check-ins through both paths, each under its own prefix: the one script, and the
    // default recordCheckin, which runs the four scripts (sightPosition, sightDevice, recordUse, recordStop).
    const otherPrefix = `${prefix}ref:`;
    const reference = new RedisFlagStateRepository(redis, new RedisKeys(otherPrefix), { FLAG_STATE_TTL_SECONDS: 600 });
    const fourByOne = (c: CheckinRecords) => FlagStateRepository.prototype.recordCheckin.call(reference, c);
    const [s1, s2] = [randomUUID(), randomUUID()];
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const courseId = randomUUID();
    // Both sessions have their flag key in both stores, so a previous stop's session counts as open.
    for (const r of [repo, reference]) for (const s of [s1, s2]) await r.sessionKey(s);
    const checkin = (sessionId: string, studentId: string, at: number, position: string, device?: string): CheckinRecords => {
      const me = { studentId, submissionId: `${studentId.slice(0, 8)}-${at}`, at };
      return {
        sessionId,
        sighting: me,
        positionDigest: position,
        device: device ? { digest: device, windowMs: 60_000, use: { device, at, submissionId: me.submissionId } } : undefined,
        stop: { sessionId, courseId, submissionId: me.submissionId, at },
      };
    };
    const checkins = [
      checkin(s1, alice, t0, 'p1', 'phone-a'),
      checkin(s1, bob, t0 + 1_000, 'p1', 'phone-a'), // the same position and device as alice
      checkin(s1, bob, t0 + 1_000, 'p1', 'phone-a'), // a redelivery
      checkin(s2, alice, t0 + 5_000, 'p2'), // no device; alice's previous stop is in s1, still open
      checkin(s2, bob, t0 + 120_000, 'p3', 'phone-a'), // outside the device window
      checkin(s2, carol, t0 + 600_000, 'p3', 'phone-c'), // the same position ten minutes later: positions have no window
    ];
    const answers = [];
    for (const c of checkins) {
      const [one, four] = [await repo.recordCheckin(c), await fourByOne(c)];
      expect(one).toEqual(four);
      answers.push(one);
    }
    expect(answers[1]).toMatchObject({ position: { others: [checkins[0]!.sighting] }, shared: { others: [checkins[0]!.sighting] } });
    expect(answers[3]).toMatchObject({ shared: undefined, uses: undefined, previous: { sessionId: s1, sessionOpen: true } });
    expect(answers[5]!.position.others).toEqual([checkins[4]!.sighting]);

    const stateOf = async (p: string) => {
      const state: Record<string, unknown> = {};
      for (const key of (await redis.keys(`${p}flags:*`)).filter((k) => !k.startsWith(`${p}ref:`) && !k.includes(':key:'))) {
        const type = await redis.type(key);
        // Parsed: cjson writes a table's fields in no set order.
        const parse = (v: string | null) => (v === null ? v : (JSON.parse(v) as unknown));
        state[key.slice(p.length)] =
          type === 'hash' ? Object.fromEntries(Object.entries(await redis.hgetall(key)).map(([f, v]) => [f, parse(v)])) : parse(await redis.get(key));
      }
      return state;
    };
    const mine = await stateOf(prefix);
    const theirs = await stateOf(otherPrefix);
    for (const k of Object.keys(mine)) if (![s1, s2, alice, bob, carol].some((id) => k.includes(id))) delete mine[k];
    expect(Object.keys(theirs).length).toBeGreaterThan(3);
    expect(mine).toEqual(theirs);
  });
});
