import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode, EventSubjects, EventTypePrefix, SystemActorId, type Actor } from '@classconnect/contracts';
import { QrJudge } from '../qr/qr-judge.js';
import { FakeQrStore } from '../qr/testing/fakes.js';
import { SessionService, stateLostMessage } from './session.service.js';
import { StateRecovery } from './state-recovery.service.js';
import { FakeEvents, FakeHistory, FakeIdentityClient, InMemorySessionStore } from './testing/fakes.js';

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const alice = { id: randomUUID(), name: 'Alice Martin', email: 'alice@uni.test' };
const bob = { id: randomUUID(), name: 'Bob Dupont', email: 'bob@uni.test' };
const carol = { id: randomUUID(), name: 'Carol Petit', email: 'carol@uni.test' };
const position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };

describe('StateRecovery: Redis that comes back empty', () => {
  let store: InMemorySessionStore;
  let identity: FakeIdentityClient;
  let events: FakeEvents;
  let history: FakeHistory;
  let recovery: StateRecovery;
  let service: SessionService;
  let courseId: string;
  let clock: SettableClock;

  /** Moves what was published since the last call onto the fake stream, stamped with the current time. */
  let copied = 0;
  const flush = () => {
    for (const p of events.published.slice(copied)) {
      history.stored.push({
        specversion: '1.0',
        id: randomUUID(),
        source: '/test',
        type: EventTypePrefix + p.subject,
        time: clock.now().toISOString(),
        datacontenttype: 'application/json',
        data: p.data as never,
      });
    }
    copied = events.published.length;
  };
  const start = async () => {
    const view = await service.start({ actor: teacher, courseId, position, radiusM: 50, lateAfterMinutes: 10 });
    flush();
    return view;
  };
  const mark = async (sessionId: string, studentId: string, submissionId: string = randomUUID()) => {
    const reply = await service.recordMark({ sessionId, studentId, submissionId, distanceM: 12, accuracyM: 8, methods: ['passkey', 'geofence'], verifiedAt: clock.now().toISOString() });
    flush();
    return reply;
  };
  /** session.closed.v2, which carries every reason (v1 follows it with the nearest one). */
  const closedEvents = () => events.of(EventSubjects.sessionClosedV2);

  beforeEach(async () => {
    store = new InMemorySessionStore();
    identity = new FakeIdentityClient();
    events = new FakeEvents();
    history = new FakeHistory();
    copied = 0;
    clock = new SettableClock(new Date('2030-01-15T09:00:00.000Z'));
    recovery = new StateRecovery(store, history, identity.client, events, clock, { maxSessionSeconds: 3 * 60 * 60 });
    service = new SessionService(store, identity.client, events, clock, new QrJudge(new FakeQrStore(), clock), { maxSessionSeconds: 3 * 60 * 60, lossCheck: recovery });
    courseId = randomUUID();
    identity.courses.set(courseId, { id: courseId, code: 'CS101', title: 'Algorithms', teacherIds: [teacher.userId] });
    identity.rosters.set(courseId, [alice, bob, carol]);
    // The service's first look, as at start: an empty store with nothing in the stream.
    await expect(recovery.check()).resolves.toBe(true);
  });

  it('writes an epoch into an empty store once, and afterwards finds nothing lost', async () => {
    expect(store.epoch).not.toBeNull();
    expect(store.recovered).toBe(store.epoch);
    await expect(recovery.check()).resolves.toBe(false);
    expect(closedEvents()).toHaveLength(0);
  });

  it('treats a session stopped and then reopened as open: Redis losing it closes it, under the dedup key of its next close', async () => {
    const session = await start();
    await mark(session.sessionId, alice.id);
    await service.stop({ actor: teacher, sessionId: session.sessionId });
    flush();
    clock.set(new Date(clock.nowMs() + 30_000));
    await service.reopen({ actor: teacher, sessionId: session.sessionId, position: { latitude: 48.8566, longitude: 2.3522, accuracy: 10 } });
    flush();
    await mark(session.sessionId, bob.id);
    const before = closedEvents().length;

    store.wipe();
    clock.set(new Date(clock.nowMs() + 60_000));
    await expect(recovery.check()).resolves.toBe(true);

    const lost = closedEvents().slice(before);
    expect(lost).toEqual([
      expect.objectContaining({
        dedupKey: `session.closed.v2:${session.sessionId}:r1`,
        data: expect.objectContaining({ closeReason: 'state-lost', presentStudentIds: [alice.id, bob.id] }),
      }),
    ]);
  });

  it('closes a session Redis lost, with its marks from the stream, and tells why', async () => {
    const session = await start();
    clock.set(new Date(clock.nowMs() + 60_000));
    await mark(session.sessionId, alice.id);
    await mark(session.sessionId, bob.id);
    await service.changeMark({ actor: teacher, sessionId: session.sessionId, studentId: carol.id, status: 'excused', reason: 'Doctor' });
    flush();

    store.wipe();
    clock.set(new Date(clock.nowMs() + 60_000));
    await expect(recovery.check()).resolves.toBe(true);

    const [closed] = closedEvents();
    const data = {
      sessionId: session.sessionId,
      courseId,
      closedAt: clock.now().toISOString(),
      closedBy: SystemActorId,
      presentStudentIds: [alice.id, bob.id],
      closeReason: 'state-lost',
    };
    expect(closed).toEqual({ subject: EventSubjects.sessionClosedV2, dedupKey: `session.closed.v2:${session.sessionId}`, data });
    // v1 knows no such reason: it says the nearest, a close by the system.
    expect(events.of(EventSubjects.sessionClosed)).toEqual([
      { subject: EventSubjects.sessionClosed, dedupKey: `session.closed:${session.sessionId}`, data: { ...data, closeReason: 'max-length' } },
    ]);
    // Written back closed: the teacher still reads it, with its roster as it was.
    const detail = await service.get({ actor: teacher, sessionId: session.sessionId });
    expect(detail).toMatchObject({ status: 'closed', closeReason: 'state-lost', enrolledCount: 3, presentCount: 2 });
    expect(detail.roster?.map((r) => [r.name, r.state, r.status])).toEqual([
      ['Alice Martin', 'present', 'present'],
      ['Bob Dupont', 'present', 'present'],
      ['Carol Petit', 'absent', 'excused'],
    ]);
    // A later change by hand numbers on from the one in the stream (its dedup key must not repeat).
    const change = await service.changeMark({ actor: teacher, sessionId: session.sessionId, studentId: carol.id, status: 'present', reason: 'Came late' });
    expect(change).toMatchObject({ sequence: 2, previousStatus: 'excused' });
  });

  it('lets the teacher start a new session at once, and that session works', async () => {
    const lost = await start();
    store.wipe();
    const fresh = await start();
    expect(fresh.sessionId).not.toBe(lost.sessionId);
    await expect(mark(fresh.sessionId, alice.id)).resolves.toMatchObject({ result: 'recorded' });
    // The old one is closed when next looked at; the new one is left open.
    await recovery.check();
    expect(closedEvents().map((e) => e.data.sessionId)).toEqual([lost.sessionId]);
    await expect(service.get({ actor: teacher, sessionId: fresh.sessionId })).resolves.toMatchObject({ status: 'open', presentCount: 1 });
  });

  it('answers a check-in to a lost session with SESSION_NOT_OPEN and a sentence, not SESSION_NOT_FOUND', async () => {
    const session = await start();
    await mark(session.sessionId, alice.id);
    store.wipe(); // before the sweep has looked: the miss itself finds out

    await expect(
      service.recordMark({ sessionId: session.sessionId, studentId: bob.id, submissionId: randomUUID(), distanceM: 1, accuracyM: 5, methods: ['passkey', 'geofence'], verifiedAt: clock.now().toISOString() }),
    ).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    await expect(service.checkinContext({ sessionId: session.sessionId, studentId: carol.id })).resolves.toMatchObject({ status: 'closed', enrolled: true, alreadyPresent: false });
    // Alice's accepted check-in is still hers: a retry of it is answered as before.
    await expect(service.checkinContext({ sessionId: session.sessionId, studentId: alice.id })).resolves.toMatchObject({ alreadyPresent: true });
    // Stop on the lost session tells the teacher what happened.
    await expect(service.stop({ actor: teacher, sessionId: session.sessionId })).rejects.toMatchObject({
      code: ErrorCode.SESSION_NOT_OPEN,
      message: stateLostMessage('CS101'),
    });
  });

  it('answers SESSION_NOT_OPEN when Redis loses the session just before the check-in\'s write', async () => {
    const session = await start();
    const write = store.recordMark.bind(store);
    store.recordMark = async (...args) => {
      store.recordMark = write;
      store.wipe();
      return write(...args);
    };
    await expect(mark(session.sessionId, alice.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    expect(closedEvents().map((e) => e.data)).toEqual([expect.objectContaining({ sessionId: session.sessionId, closeReason: 'state-lost', presentStudentIds: [] })]);
  });

  it('costs an unknown session id one look at the epoch, and still answers SESSION_NOT_FOUND', async () => {
    const scans = history.scans.length;
    await expect(service.get({ actor: teacher, sessionId: randomUUID() })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
    expect(history.scans).toHaveLength(scans);
  });

  it('leaves alone sessions the store still holds and sessions the stream says are closed', async () => {
    const kept = await start();
    await service.stop({ actor: teacher, sessionId: kept.sessionId });
    flush();
    const other = randomUUID();
    identity.courses.set(other, { id: other, code: 'MA201', title: 'Analysis', teacherIds: [teacher.userId] });
    const open = await service.start({ actor: teacher, courseId: other, position, radiusM: 50, lateAfterMinutes: 10 });
    flush();
    // A store with sessions but no epoch: the first look after this feature is deployed.
    store.epoch = null;
    store.recovered = null;
    await expect(recovery.check()).resolves.toBe(true);
    expect(closedEvents().map((e) => e.data.sessionId)).toEqual([kept.sessionId]); // the Stop's own event only
    await expect(service.get({ actor: teacher, sessionId: open.sessionId })).resolves.toMatchObject({ status: 'open' });
  });

  it('does not reach past the maximum session length (and its margin)', async () => {
    const old = await start();
    store.wipe();
    clock.set(new Date(clock.nowMs() + (3 + 2) * 60 * 60 * 1000));
    await recovery.check();
    expect(closedEvents()).toHaveLength(0);
    expect(await store.find(old.sessionId)).toBeNull();
  });

  it('tries again at the next look when a recovery fails part-way, on this instance or another', async () => {
    const session = await start();
    store.wipe();
    history.failNext = true;
    await expect(recovery.check()).rejects.toThrow('NATS is down');
    expect(store.epoch).not.toBeNull(); // claimed, but not marked recovered
    expect(store.recovered).toBeNull();

    // Another instance (it had seen the earlier epoch) sees an epoch not yet recovered.
    const other = new StateRecovery(store, history, identity.client, events, clock, { maxSessionSeconds: 3 * 60 * 60 });
    await expect(other.check()).resolves.toBe(true);
    await expect(recovery.check()).resolves.toBe(false);
    expect(closedEvents().map((e) => e.data.sessionId)).toEqual([session.sessionId]);
  });

  it('closes each lost session once when two instances recover at the same time', async () => {
    const session = await start();
    store.wipe();
    const other = new StateRecovery(store, history, identity.client, events, clock, { maxSessionSeconds: 3 * 60 * 60 });
    await Promise.all([recovery.check(), other.check()]);
    // Both may announce it; they use the same dedup key, which JetStream stores once.
    const keys = new Set(closedEvents().map((e) => e.dedupKey));
    expect(keys).toEqual(new Set([`session.closed.v2:${session.sessionId}`]));
    expect(new Set(closedEvents().map((e) => JSON.stringify(e.data))).size).toBe(1);
  });

  it('closes the session even when identity-service does not answer (placeholder names)', async () => {
    const session = await start();
    store.wipe();
    identity.rosters.clear();
    identity.roster = async () => Promise.reject(new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'down'));
    await recovery.check();
    expect(closedEvents()).toHaveLength(1);
    const detail = await service.get({ actor: teacher, sessionId: session.sessionId });
    expect(detail.roster?.map((r) => r.name)).toEqual(['Student', 'Student', 'Student']);
  });

  it('shares one look between callers arriving together', async () => {
    await start();
    store.wipe();
    const before = history.scans.length;
    const [a, b] = await Promise.all([recovery.check(), recovery.afterMiss()]);
    expect([a, b]).toEqual([true, true]);
    expect(history.scans.length - before).toBe(2); // one scan of session events, one of marks
  });
});
