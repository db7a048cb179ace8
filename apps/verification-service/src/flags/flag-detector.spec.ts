import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import type { CheckinSubmission, Position } from '@classconnect/contracts';
import { FlagDetector } from './flag-detector.js';
import { isImpossibleTravel, travelDistanceM } from './flag-rules.js';
import { FakeFences, MemoryFlagState } from './testing/fakes.js';

const config = { FLAG_WINDOW_SECONDS: 60, FLAG_MAX_SPEED_KMH: 300 };
const courseId = randomUUID();
const t0 = Date.parse('2026-03-02T09:00:00.000Z');
const here: Position = { latitude: 48.150123456, longitude: 11.580654321, accuracy: 12 };

function submission(over: Partial<CheckinSubmission> & { sessionId: string; studentId: string; atMs?: number }): CheckinSubmission {
  const { atMs, ...rest } = over;
  return {
    submissionId: randomUUID().slice(0, 22),
    assertion: {} as CheckinSubmission['assertion'],
    position: here,
    submittedAt: new Date(atMs ?? t0).toISOString(),
    ...rest,
  };
}

describe('FlagDetector', () => {
  let state: MemoryFlagState;
  let fences: FakeFences;
  let clock: SettableClock;
  let detector: FlagDetector;
  let sessionId: string;
  const alice = randomUUID();
  const bob = randomUUID();
  const carol = randomUUID();

  beforeEach(() => {
    state = new MemoryFlagState();
    fences = new FakeFences();
    clock = new SettableClock(new Date(t0));
    detector = new FlagDetector(state, fences.client, clock, config);
    sessionId = randomUUID();
  });

  const codes = (d: { flags: { code: string }[] }) => d.flags.map((f) => f.code);

  it('flags nothing for an ordinary check-in', async () => {
    const d = await detector.detect(submission({ sessionId, studentId: alice, deviceFingerprint: 'fp-a' }), courseId);
    expect(d).toEqual({ flags: [], earlier: [] });
  });

  describe('ACCURACY_ZERO', () => {
    it('flags a position reported with an accuracy of exactly 0, and nothing else', async () => {
      const d = await detector.detect(submission({ sessionId, studentId: alice, position: { ...here, accuracy: 0 } }), courseId);
      expect(codes(d)).toEqual(['ACCURACY_ZERO']);
      expect(d.flags[0]!.detail).toMatch(/accuracy of exactly 0 m/);
      expect(codes(await detector.detect(submission({ sessionId, studentId: bob, position: { ...here, latitude: 48.2, accuracy: 0.5 } }), courseId))).toEqual([]);
    });
  });

  describe('IDENTICAL_POSITION', () => {
    it('flags the second student at exactly the same coordinates, and the first one once, with its own notice', async () => {
      const first = submission({ sessionId, studentId: alice });
      expect(codes(await detector.detect(first, courseId))).toEqual([]);
      const second = await detector.detect(submission({ sessionId, studentId: bob }), courseId);
      expect(codes(second)).toEqual(['IDENTICAL_POSITION']);
      expect(second.earlier).toEqual([
        { sessionId, courseId, studentId: alice, submissionId: first.submissionId, flags: [expect.objectContaining({ code: 'IDENTICAL_POSITION' })] },
      ]);
      // A third: flagged (two others), and nobody is flagged again.
      const third = await detector.detect(submission({ sessionId, studentId: carol }), courseId);
      expect(third.flags[0]!.detail).toMatch(/2 other students/);
      expect(third.earlier).toEqual([]);
    });

    it('does not flag coordinates that differ in the last digit, or the same coordinates in another session', async () => {
      await detector.detect(submission({ sessionId, studentId: alice }), courseId);
      expect(codes(await detector.detect(submission({ sessionId, studentId: bob, position: { ...here, longitude: 11.580654322 } }), courseId))).toEqual([]);
      expect(codes(await detector.detect(submission({ sessionId: randomUUID(), studentId: carol }), courseId))).toEqual([]);
    });

    it('keeps only keyed digests, never the coordinates', async () => {
      await detector.detect(submission({ sessionId, studentId: alice }), courseId);
      const stored = JSON.stringify([...state.positions.get(sessionId)!.entries()]);
      expect(stored).not.toMatch(/48\.15|11\.58/);
    });

    it('gives a redelivered check-in the same flags and the same earlier notices', async () => {
      await detector.detect(submission({ sessionId, studentId: alice }), courseId);
      const second = submission({ sessionId, studentId: bob });
      const once = await detector.detect(second, courseId);
      expect(await detector.detect(second, courseId)).toEqual(once);
    });
  });

  describe('SHARED_DEVICE', () => {
    it('flags two students on one device within the window, both of them', async () => {
      const first = submission({ sessionId, studentId: alice, deviceFingerprint: 'same', position: { ...here, latitude: 48.1 } });
      await detector.detect(first, courseId);
      const second = await detector.detect(submission({ sessionId, studentId: bob, deviceFingerprint: 'same', atMs: t0 + 30_000 }), courseId);
      expect(codes(second)).toEqual(['SHARED_DEVICE']);
      expect(second.earlier).toMatchObject([{ studentId: alice, submissionId: first.submissionId, flags: [{ code: 'SHARED_DEVICE' }] }]);
    });

    it('does not flag one device used by two students minutes apart, or two devices', async () => {
      await detector.detect(submission({ sessionId, studentId: alice, deviceFingerprint: 'same', position: { ...here, latitude: 48.1 } }), courseId);
      expect(codes(await detector.detect(submission({ sessionId, studentId: bob, deviceFingerprint: 'same', atMs: t0 + 61_000 }), courseId))).toEqual([]);
      expect(codes(await detector.detect(submission({ sessionId, studentId: carol, deviceFingerprint: 'other', position: { ...here, latitude: 48.3 } }), courseId))).toEqual([]);
    });
  });

  describe('CONCURRENT_USE', () => {
    it('flags a check-in when the same account began a check-in on another device within the window', async () => {
      clock.set(new Date(t0 - 20_000));
      await detector.noteBegin(sessionId, alice, 'phone-of-a-friend');
      const d = await detector.detect(submission({ sessionId, studentId: alice, deviceFingerprint: 'own-phone' }), courseId);
      expect(codes(d)).toEqual(['CONCURRENT_USE']);
    });

    it('does not flag the same device, another student, or a use long before', async () => {
      clock.set(new Date(t0 - 10_000));
      await detector.noteBegin(sessionId, alice, 'own-phone');
      await detector.noteBegin(sessionId, bob, 'bobs-phone');
      clock.set(new Date(t0 - 5 * 60_000));
      await detector.noteBegin(sessionId, alice, 'old-laptop');
      expect(codes(await detector.detect(submission({ sessionId, studentId: alice, deviceFingerprint: 'own-phone' }), courseId))).toEqual([]);
    });
  });

  describe('IMPOSSIBLE_TRAVEL', () => {
    it('flags check-ins in two open sessions whose fences are too far apart for the time between them, both of them', async () => {
      const other = randomUUID();
      const otherCourse = randomUUID();
      const first = submission({ sessionId: other, studentId: alice });
      await detector.detect(first, otherCourse);
      fences.set(sessionId, other, { known: true, distanceM: 100_000, radiiM: 200 });
      const d = await detector.detect(submission({ sessionId, studentId: alice, position: { ...here, latitude: 47.25 }, atMs: t0 + 60_000 }), courseId);
      expect(codes(d)).toEqual(['IMPOSSIBLE_TRAVEL']);
      expect(d.flags[0]!.detail).toMatch(/at least 100 km away 60 seconds earlier: faster than 300 km\/h/);
      expect(d.earlier).toEqual([
        { sessionId: other, courseId: otherCourse, studentId: alice, submissionId: first.submissionId, flags: [expect.objectContaining({ code: 'IMPOSSIBLE_TRAVEL', detail: expect.stringMatching(/later/) })] },
      ]);
    });

    it('does not flag a plausible trip, an unknown distance (a session closed meanwhile), or the same session', async () => {
      const other = randomUUID();
      await detector.detect(submission({ sessionId: other, studentId: alice }), courseId);
      fences.set(sessionId, other, { known: true, distanceM: 20_000, radiiM: 200 });
      expect(codes(await detector.detect(submission({ sessionId, studentId: alice, atMs: t0 + 3_600_000 }), courseId))).toEqual([]);
      const third = randomUUID();
      expect(codes(await detector.detect(submission({ sessionId: third, studentId: alice, atMs: t0 + 3_660_000 }), courseId))).toEqual([]);
    });

    it('does not ask session-service about a previous session that has closed (its flag state is gone)', async () => {
      const other = randomUUID();
      await detector.detect(submission({ sessionId: other, studentId: alice }), courseId);
      fences.set(sessionId, other, { known: true, distanceM: 100_000, radiiM: 0 });
      await state.forgetSession(other); // what the session-end cleaner does at close
      const asked = jest.spyOn(fences, 'fenceDistance');
      expect(codes(await detector.detect(submission({ sessionId, studentId: alice, atMs: t0 + 60_000 }), courseId))).toEqual([]);
      expect(asked).not.toHaveBeenCalled();
    });

    it('compares a redelivered check-in with the one before it, not with itself', async () => {
      const other = randomUUID();
      await detector.detect(submission({ sessionId: other, studentId: alice }), courseId);
      fences.set(sessionId, other, { known: true, distanceM: 100_000, radiiM: 0 });
      const second = submission({ sessionId, studentId: alice, atMs: t0 + 60_000 });
      expect(codes(await detector.detect(second, courseId))).toEqual(['IMPOSSIBLE_TRAVEL']);
      expect(codes(await detector.detect(second, courseId))).toEqual(['IMPOSSIBLE_TRAVEL']);
    });

    it('measures travel from fence edge to fence edge', () => {
      expect(travelDistanceM(1_000, 300)).toBe(700);
      expect(travelDistanceM(200, 300)).toBe(0);
      expect(isImpossibleTravel(0, 0, 300)).toBe(false);
      expect(isImpossibleTravel(6_000, 60_000, 300)).toBe(true); // 360 km/h
      expect(isImpossibleTravel(4_000, -60_000, 300)).toBe(false); // 240 km/h, either order
    });
  });

  it('forgets a session’s key and digests when it closes', async () => {
    await detector.detect(submission({ sessionId, studentId: alice, deviceFingerprint: 'd' }), courseId);
    await state.forgetSession(sessionId);
    expect(state.keys.has(sessionId) || state.positions.has(sessionId) || state.devices.has(sessionId)).toBe(false);
    expect(codes(await detector.detect(submission({ sessionId, studentId: bob }), courseId))).toEqual([]);
  });
});
