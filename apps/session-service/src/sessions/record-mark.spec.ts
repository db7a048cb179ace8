import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { SettableClock } from '@classconnect/config';
import { ErrorCode, EventSubjects, type Actor } from '@classconnect/contracts';
import { QrAttemptsPerWindow } from '../qr/qr-judge.js';
import type { SessionService } from './session.service.js';
import type { FakeEvents, FakeIdentityClient, InMemorySessionStore } from './testing/fakes.js';
import { opening, sessionFixture, type SessionFixture } from './testing/session-fixture.js';

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const alice = { id: randomUUID(), name: 'Alice Martin', email: 'alice@uni.test' };
const bob = { id: randomUUID(), name: 'Bob Dupont', email: 'bob@uni.test' };
const dave = { id: randomUUID(), name: 'Dave Moreau', email: 'dave@uni.test' };

/** record-mark: the one call that decides, with the session's state as it is now, whether a verified check-in marks the student. */
describe('SessionService.recordMark', () => {
  let fixture: SessionFixture;
  let store: InMemorySessionStore;
  let identity: FakeIdentityClient;
  let events: FakeEvents;
  let clock: SettableClock;
  let service: SessionService;
  let courseId: string;

  const start = async (options: { windowMinutes?: number; qr?: 'offered' | 'required' } = {}) => (await fixture.start(options)).sessionId;
  const mark: SessionFixture['mark'] = (...args) => fixture.mark(...args);
  const qrAt: SessionFixture['codes'] = (...args) => fixture.codes(...args);

  beforeEach(() => {
    fixture = sessionFixture({ teacher, roster: [alice, bob] });
    ({ store, identity, events, clock, service, courseId } = fixture);
  });

  it('records once, publishes both mark events, and answers a retry of the same submission the same way', async () => {
    const sessionId = await start();
    events.failNext = true; // written, then the publish fails: the caller's retry publishes
    await expect(mark(sessionId, alice.id, { submissionId: 'sub-1' })).rejects.toThrow('NATS is down');
    await expect(mark(sessionId, alice.id, { submissionId: 'sub-1' })).resolves.toEqual({ result: 'recorded', status: 'present', methods: ['passkey', 'geofence'] });
    // Both leave together, so the v1 of the failed attempt may have gone out beside the failed v2:
    // every copy carries the same key, and JetStream keeps one.
    const v1 = events.of(EventSubjects.markRecorded);
    expect(v1.length).toBeGreaterThanOrEqual(1);
    for (const e of v1) {
      expect(e).toEqual(
        expect.objectContaining({
          dedupKey: `mark:${sessionId}:${alice.id}`,
          data: expect.objectContaining({ sessionId, courseId, studentId: alice.id, status: 'present', source: 'checkin', submissionId: 'sub-1', distanceM: 12.5 }),
        }),
      );
    }
    expect(events.of(EventSubjects.markRecordedV2)).toHaveLength(1);
  });

  it('answers ALREADY_CHECKED_IN to another submission of a student already present, without an event', async () => {
    const sessionId = await start();
    await mark(sessionId, alice.id, { submissionId: 'sub-1' });
    await expect(mark(sessionId, alice.id, { submissionId: 'sub-2' })).resolves.toEqual({ result: 'refused', reason: ErrorCode.ALREADY_CHECKED_IN });
    expect(events.of(EventSubjects.markRecorded)).toHaveLength(1);
  });

  it('refuses with SESSION_NOT_OPEN when the session closed after the challenge, but still answers a retry of the mark made before', async () => {
    const sessionId = await start();
    await mark(sessionId, alice.id, { submissionId: 'sub-a' });
    await service.stop({ actor: teacher, sessionId });
    await expect(mark(sessionId, bob.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    await expect(mark(sessionId, bob.id, { checkOnly: true })).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    await expect(mark(sessionId, alice.id, { submissionId: 'sub-a' })).resolves.toMatchObject({ result: 'recorded' });
    await expect(mark(randomUUID(), alice.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_FOUND });
  });

  it('refuses with NOT_ENROLLED a student who left the course after the challenge, after asking identity', async () => {
    const sessionId = await start();
    identity.memberships.set(bob.id, []);
    await service.syncEnrollment({ courseId, studentId: bob.id });
    await expect(mark(sessionId, bob.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.NOT_ENROLLED });
    await expect(mark(sessionId, bob.id, { checkOnly: true })).resolves.toEqual({ result: 'refused', reason: ErrorCode.NOT_ENROLLED });
  });

  it('marks a student the roster does not list yet when identity says they enrolled since (the event may not have arrived)', async () => {
    const sessionId = await start();
    identity.memberships.set(dave.id, [{ id: courseId, code: 'CS101', title: 'Algorithms', relation: 'student' }]);
    identity.accounts.set(dave.id, { ...dave, role: 'student' });
    await expect(mark(sessionId, dave.id)).resolves.toMatchObject({ result: 'recorded' });
    expect((await service.get({ actor: teacher, sessionId })).roster?.find((r) => r.studentId === dave.id)).toMatchObject({ state: 'present' });
  });

  it('refuses with CHECKIN_WINDOW_CLOSED a check-in verified after the window closed, judged at verifiedAt', async () => {
    const sessionId = await start({ windowMinutes: 15 });
    const closesAt = opening.getTime() + 15 * 60_000;
    await expect(mark(sessionId, alice.id, { verifiedAt: new Date(closesAt).toISOString() })).resolves.toMatchObject({ result: 'recorded', status: 'late' });
    await expect(mark(sessionId, bob.id, { verifiedAt: new Date(closesAt + 1).toISOString() })).resolves.toEqual({
      result: 'refused',
      reason: ErrorCode.CHECKIN_WINDOW_CLOSED,
    });
  });

  it('checks only, writing nothing, when verification refuses for a reason of its own', async () => {
    const sessionId = await start({ qr: 'required' });
    await expect(mark(sessionId, alice.id, { checkOnly: true, qr: { code: 'ABCDEF', at: clock.now().toISOString() } })).resolves.toEqual({ result: 'allowed' });
    expect(store.sessions.get(sessionId)?.present.size).toBe(0);
    expect(store.qrAttempts.size).toBe(0); // the code was not judged, so not counted
    expect(events.published.filter((e) => e.subject.startsWith('attendance.mark'))).toHaveLength(0);
  });

  describe('with a QR code', () => {
    it('records a valid code as a proof, judged at the time the check-in was queued', async () => {
      const sessionId = await start({ qr: 'required' });
      const queuedAt = clock.now();
      const code = qrAt(sessionId, queuedAt).token;
      clock.set(new Date(queuedAt.getTime() + 25_000)); // two steps later: valid when queued, not now
      await expect(mark(sessionId, alice.id, { qr: { code, at: queuedAt.toISOString() } })).resolves.toEqual({
        result: 'recorded',
        status: 'present',
        methods: ['passkey', 'geofence', 'qr'],
      });
      expect(events.of(EventSubjects.markRecordedV2)[0]?.data.methods).toEqual(['passkey', 'geofence', 'qr']);
    });

    it('refuses an expired, a wrong and another session’s code, writing nothing', async () => {
      const sessionId = await start({ qr: 'offered' });
      const old = qrAt(sessionId, new Date(clock.nowMs() - 60_000)).shortCode;
      const at = clock.now().toISOString();
      await expect(mark(sessionId, alice.id, { qr: { code: old, at } })).resolves.toEqual({ result: 'qr-refused', qr: 'expired' });
      await expect(mark(sessionId, alice.id, { qr: { code: 'ZZZZZZ', at } })).resolves.toEqual({ result: 'qr-refused', qr: 'invalid' });
      expect(store.sessions.get(sessionId)?.present.size).toBe(0);
    });

    it('throttles a student after a few failed attempts, then refuses even a valid code; valid attempts are not counted', async () => {
      const sessionId = await start({ qr: 'required' });
      const at = clock.now().toISOString();
      const valid = qrAt(sessionId).token;
      await mark(sessionId, bob.id, { qr: { code: valid, at } });
      for (let i = 0; i < QrAttemptsPerWindow; i++) await expect(mark(sessionId, alice.id, { qr: { code: 'ZZZZZZ', at } })).resolves.toMatchObject({ qr: 'invalid' });
      await expect(mark(sessionId, alice.id, { qr: { code: valid, at } })).resolves.toEqual({ result: 'qr-refused', qr: 'throttled' });
      expect(store.qrAttempts.get(`${sessionId}:${bob.id}`)).toBe(0);
    });

    it('reports the session’s state before the code: a closed session is SESSION_NOT_OPEN whatever the code', async () => {
      const sessionId = await start({ qr: 'required' });
      const code = qrAt(sessionId).token;
      await service.stop({ actor: teacher, sessionId });
      await expect(mark(sessionId, alice.id, { qr: { code, at: clock.now().toISOString() } })).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
      expect(store.qrAttempts.size).toBe(0);
    });

    it('judges the code before "already present", and ignores a code sent to a session without QR codes', async () => {
      const sessionId = await start({ qr: 'offered' });
      const at = clock.now().toISOString();
      await mark(sessionId, alice.id, { qr: { code: qrAt(sessionId).token, at } });
      await expect(mark(sessionId, alice.id, { qr: { code: 'ZZZZZZ', at } })).resolves.toEqual({ result: 'qr-refused', qr: 'invalid' });
      await expect(mark(sessionId, alice.id, { qr: { code: qrAt(sessionId).token, at } })).resolves.toEqual({ result: 'refused', reason: ErrorCode.ALREADY_CHECKED_IN });
      await service.stop({ actor: teacher, sessionId });
      const plain = await start();
      await expect(mark(plain, alice.id, { qr: { code: 'ZZZZZZ', at } })).resolves.toEqual({ result: 'recorded', status: 'present', methods: ['passkey', 'geofence'] });
    });
  });
});
