import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode, type Actor } from '@classconnect/contracts';
import { MemoryCredentials } from '../passkeys/testing/fakes.js';
import { ChallengeService } from './challenge.service.js';
import { FakeSessionClient, MemoryChallenges, RecordingCodeRefusals } from './testing/fakes.js';
import { FlagDetector } from '../flags/flag-detector.js';
import { FakeFences, MemoryFlagState } from '../flags/testing/fakes.js';

const fence = { latitude: 48.15, longitude: 11.58, radiusM: 100 };
const now = new Date('2026-03-02T09:00:00.000Z');

/** checkin:begin: the challenge, with what the verdict will rely on (the session's context and the QR code's verdict). */
describe('ChallengeService', () => {
  let session: FakeSessionClient;
  let challenges: MemoryChallenges;
  let credentials: MemoryCredentials;
  let refusals: RecordingCodeRefusals;
  let service: ChallengeService;
  let sessionId: string;
  let student: Actor;

  beforeEach(async () => {
    sessionId = randomUUID();
    student = { userId: randomUUID(), role: 'student' };
    session = new FakeSessionClient(sessionId, fence);
    challenges = new MemoryChallenges();
    credentials = new MemoryCredentials();
    refusals = new RecordingCodeRefusals();
    service = new ChallengeService(session.client, credentials, challenges, refusals, new SettableClock(now), { WEBAUTHN_RP_ID: 'localhost' });
    await credentials.insert({ id: 'cred-1', userId: student.userId, publicKey: new Uint8Array([1]), counter: 0, transports: ['internal'], deviceName: 'Phone' });
  });

  const stored = () => [...challenges.byChallenge.values()];

  it('binds a code session-service judged valid at begin into the challenge, with the session’s context and window', async () => {
    session.context = { ...(session.context as object), qrMode: 'required', qr: 'valid', checkinClosesAt: '2026-03-02T09:15:00.000Z' } as typeof session.context;
    const reply = await service.issue(student, sessionId, { qr: 'ABC DEF' });
    expect(session.contextCodes).toEqual(['ABC DEF']);
    expect(reply.options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored()).toEqual([
      { sessionId, studentId: student.userId, issuedAt: now.getTime(), context: { courseId: session.courseId, fence, checkinClosesAt: '2026-03-02T09:15:00.000Z', qrMode: 'required', qr: 'valid' } },
    ]);
    // One call to session-service at begin: everything the verdict needs travels with the challenge.
    expect(session.contextCalls).toBe(1);
    expect(refusals.published).toEqual([]);
  });

  it('issues a challenge without a QR verdict when no code was given (it may still come with the submission)', async () => {
    session.context = { ...(session.context as object), qrMode: 'required' } as typeof session.context;
    await service.issue(student, sessionId);
    expect(session.contextCodes).toEqual([undefined]);
    expect(stored()[0]!.context).toEqual({ courseId: session.courseId, fence, qrMode: 'required' });
  });

  it.each([
    ['expired', ErrorCode.QR_EXPIRED],
    ['wrong-session', ErrorCode.QR_WRONG_SESSION],
    ['invalid', ErrorCode.QR_INVALID],
    ['throttled', ErrorCode.RATE_LIMITED],
  ] as const)('refuses the begin for a code found %s (%s): no challenge, and the teacher’s roster hears of it', async (verdict, code) => {
    session.context = { ...(session.context as object), qrMode: 'offered', qr: verdict } as typeof session.context;
    const begin = service.issue(student, sessionId, { qr: 'ABCDEF', correlationId: 'c-1' });
    await expect(begin).rejects.toBeInstanceOf(DomainError);
    await expect(service.issue(student, sessionId, { qr: 'ABCDEF' })).rejects.toMatchObject({ code, message: expect.stringMatching(/code/) });
    expect(challenges.byChallenge.size).toBe(0);
    expect(refusals.published[0]).toEqual({
      sessionId,
      courseId: session.courseId,
      studentId: student.userId,
      reason: code,
      message: expect.stringMatching(/\w+/),
      refusedAt: now.toISOString(),
    });
  });

  it('says what the session says first: a closed session or a student already present is not told about the code', async () => {
    session.context = { ...(session.context as object), status: 'closed', qrMode: 'required' } as typeof session.context;
    await expect(service.issue(student, sessionId, { qr: 'ABCDEF' })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_OPEN });
    session.context = { ...(session.context as object), status: 'open', alreadyPresent: true } as typeof session.context;
    await expect(service.issue(student, sessionId, { qr: 'ABCDEF' })).rejects.toMatchObject({ code: ErrorCode.ALREADY_CHECKED_IN });
    expect(refusals.published).toEqual([]);
  });

  it('refuses a non-student before asking session-service', async () => {
    await expect(service.issue({ userId: randomUUID(), role: 'teacher' }, sessionId, { qr: 'ABCDEF' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(session.contextCalls).toBe(0);
  });

  describe('with check-in flags', () => {
    let flags: MemoryFlagState;

    beforeEach(() => {
      flags = new MemoryFlagState();
      const detector = new FlagDetector(flags, new FakeFences().client, new SettableClock(now), { FLAG_WINDOW_SECONDS: 120, FLAG_MAX_SPEED_KMH: 200 });
      service = new ChallengeService(session.client, credentials, challenges, refusals, new SettableClock(now), { WEBAUTHN_RP_ID: 'localhost' }, detector);
    });

    const usesOf = () => flags.uses.get(`${sessionId}:${student.userId}`) ?? [];

    it('remembers the device of every begin of an enrolled student, a refused one too', async () => {
      await service.issue(student, sessionId, { deviceFingerprint: 'phone' });
      session.context = { ...(session.context as object), alreadyPresent: true } as typeof session.context;
      await expect(service.issue(student, sessionId, { deviceFingerprint: 'laptop' })).rejects.toMatchObject({ code: ErrorCode.ALREADY_CHECKED_IN });
      expect(usesOf()).toHaveLength(2);
      expect(stored()).toHaveLength(1);
    });

    it('fails the begin when the device cannot be remembered, and a refusal then reports that failure', async () => {
      const down = new Error('Redis is down');
      flags.recordUse = () => Promise.reject(down);
      await expect(service.issue(student, sessionId, { deviceFingerprint: 'phone' })).rejects.toBe(down);
      session.context = { ...(session.context as object), alreadyPresent: true } as typeof session.context;
      await expect(service.issue(student, sessionId, { deviceFingerprint: 'phone' })).rejects.toBe(down);
    });

    it('tells the teacher’s roster of no refused code when the begin failed on remembering the device', async () => {
      flags.recordUse = () => Promise.reject(new Error('Redis is down'));
      session.context = { ...(session.context as object), qrMode: 'required', qr: 'invalid' } as typeof session.context;
      await expect(service.issue(student, sessionId, { deviceFingerprint: 'phone', qr: 'WRONG1' })).rejects.toThrow('Redis is down');
      expect(refusals.published).toEqual([]);
    });
  });
});
