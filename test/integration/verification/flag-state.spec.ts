/**
 * The check-in flags' Redis state (Lua scripts) against a real Redis: a digest seen by two students
 * flags the first one once, a redelivery gets the same answer, the window is honoured, a student's
 * previous check-in is remembered without ever being compared with itself, and a session's state
 * goes at once when it closes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisFlagStateRepository } from '../../../apps/verification-service/src/flags/flag-state.repository.js';
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
});
