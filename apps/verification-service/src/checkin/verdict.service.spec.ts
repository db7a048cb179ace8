import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  DomainError,
  ErrorCode,
  rejectionReasonV1,
  type AuthenticationOptions,
  type CheckinSubmission,
  type RegistrationOptions,
} from '@classconnect/contracts';
import { SettableClock } from '@classconnect/config';
import { SoftAuthenticator } from '@classconnect/testing';
import { MemoryCredentials } from '../passkeys/testing/fakes.js';
import { LibraryAssertionVerifier, challengeOf } from './assertion-verifier.js';
import { FastAssertionVerifier } from './fast-assertion-verifier.js';
import type { ChallengeOwner } from './challenge.repository.js';
import { FakeSessionClient, MemoryChallenges, MemoryVerdicts, RecordingPublisher } from './testing/fakes.js';
import { VerdictService } from './verdict.service.js';

const config = { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: ['http://localhost:3000'], MAX_POSITION_ACCURACY_M: 100 };
const origin = config.WEBAUTHN_ORIGINS[0]!;
const fence = { latitude: 48.15, longitude: 11.58, radiusM: 100 };
const metresNorth = (m: number) => fence.latitude + m / 111_195;
const now = new Date('2026-03-02T09:00:00.000Z');

// ---------- a student with a real passkey ----------
async function registerPasskey(authenticator: SoftAuthenticator, userId: string, credentials: MemoryCredentials, requireUserVerification = true) {
  const options = (await generateRegistrationOptions({
    rpName: 'ClassConnect',
    rpID: config.WEBAUTHN_RP_ID,
    userName: userId,
    userID: new TextEncoder().encode(userId),
    supportedAlgorithmIDs: [-7],
  })) as RegistrationOptions;
  const response = await authenticator.createCredential(options, { origin });
  const { registrationInfo } = await verifyRegistrationResponse({
    response: response as RegistrationResponseJSON,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: config.WEBAUTHN_RP_ID,
    requireUserVerification,
  });
  const { id, publicKey, counter } = registrationInfo!.credential;
  await credentials.insert({ id, userId, publicKey, counter, transports: ['internal'], deviceName: 'Phone' });
  return id;
}

describe.each([
  ['the library', LibraryAssertionVerifier],
  ['the fast path', FastAssertionVerifier],
])('VerdictService with %s verifying assertions', (_name, Verifier) => {
  let verdicts: MemoryVerdicts;
  let challenges: MemoryChallenges;
  let credentials: MemoryCredentials;
  let session: FakeSessionClient;
  let publisher: RecordingPublisher;
  let service: VerdictService;
  let authenticator: SoftAuthenticator;
  let sessionId: string;
  let studentId: string;
  let credentialId: string;
  /** The QR mode session-service gave when the challenge was issued. */
  let qrMode: 'offered' | 'required' | undefined;

  beforeEach(async () => {
    qrMode = undefined;
    codeAtBegin = false;
    closesAt = undefined;
    sessionId = randomUUID();
    studentId = randomUUID();
    verdicts = new MemoryVerdicts();
    challenges = new MemoryChallenges(verdicts);
    credentials = new MemoryCredentials();
    session = new FakeSessionClient(sessionId, fence);
    publisher = new RecordingPublisher();
    clock = new SettableClock(now);
    service = new VerdictService(verdicts, challenges, credentials, new Verifier(config), session.client, publisher, clock, config);
    authenticator = new SoftAuthenticator();
    credentialId = await registerPasskey(authenticator, studentId, credentials);
  });

  /** Issues a challenge for (session, student) and signs it, as the browser would. */
  async function submission(
    overrides: { owner?: ChallengeOwner; metres?: number; accuracy?: number; signCount?: number; with?: SoftAuthenticator; submittedAt?: string } = {},
  ): Promise<CheckinSubmission> {
    const challenge = randomUUID().replaceAll('-', '');
    await challenges.issue(challenge, overrides.owner ?? { sessionId, studentId }, context());
    const options: AuthenticationOptions = { challenge, rpId: config.WEBAUTHN_RP_ID, allowCredentials: [], userVerification: 'required' };
    const assertion = await (overrides.with ?? authenticator).getAssertion(options, {
      origin,
      ...(overrides.signCount !== undefined ? { signCount: overrides.signCount } : {}),
    });
    return {
      submissionId: randomUUID().slice(0, 22),
      sessionId,
      studentId,
      assertion,
      position: { latitude: metresNorth(overrides.metres ?? 20), longitude: fence.longitude, accuracy: overrides.accuracy ?? 15 },
      submittedAt: overrides.submittedAt ?? new Date().toISOString(),
    };
  }

  /** The code given at checkin:begin was judged valid then (bound into the challenge). */
  let codeAtBegin: boolean;
  /** When check-ins end, as session-service said at the challenge (undefined: no window). */
  let closesAt: string | undefined;
  let clock: SettableClock;
  const context = () => ({
    courseId: session.courseId,
    fence,
    ...(closesAt ? { checkinClosesAt: closesAt } : {}),
    ...(qrMode ? { qrMode } : {}),
    ...(codeAtBegin ? { qr: 'valid' as const } : {}),
  });

  async function expectRejected(s: CheckinSubmission, reason: string) {
    const verdict = await service.handle(s);
    expect(verdict).toMatchObject({ outcome: 'rejected', reason, submissionId: s.submissionId, sessionId, studentId });
    expect(verdict.outcome === 'rejected' && verdict.message.length).toBeGreaterThan(10);
    expect(publisher.published).toEqual([verdict]);
    expect(verdicts.byId.get(s.submissionId)).toEqual(verdict);
    expect(JSON.stringify(verdict)).not.toContain('latitude');
    return verdict;
  }

  it('verifies a genuine check-in inside the fence: marks the student, stores and publishes the verdict, advances the counter', async () => {
    const s = await submission({ metres: 40, accuracy: 12 });
    const verdict = await service.handle(s);
    expect(verdict).toMatchObject({ outcome: 'verified', submissionId: s.submissionId, accuracyM: 12, methods: ['passkey', 'geofence'] });
    expect(verdict.distanceM).toBeCloseTo(40, 0);
    expect(session.marks).toEqual([expect.objectContaining({ sessionId, studentId, submissionId: s.submissionId, methods: ['passkey', 'geofence'] })]);
    expect(verdict).toMatchObject({ courseId: session.courseId });
    expect(publisher.published).toEqual([verdict]);
    expect(verdicts.byId.get(s.submissionId)).toEqual(verdict);
    expect(credentials.byId.get(credentialId)).toMatchObject({ counter: 1, lastUsedAt: now });
    expect(JSON.stringify(verdict)).not.toMatch(/latitude|longitude/);
  });

  it('finishes a check-in whose passkey is erased while it is decided, and the next one no longer verifies', async () => {
    const s = await submission();
    // The person is erased between the signature check and the mark.
    const recordMark = session.recordMark.bind(session);
    session.recordMark = async (request) => {
      await credentials.remove(credentialId, studentId);
      return recordMark(request);
    };
    await expect(service.handle(s)).resolves.toMatchObject({ outcome: 'verified', submissionId: s.submissionId });
    expect(credentials.byId.has(credentialId)).toBe(false);
    const next = await submission();
    publisher.published.length = 0;
    await expectRejected(next, ErrorCode.UNKNOWN_CREDENTIAL);
  });

  describe('rejects, with a reason and a sentence', () => {
    it('CHALLENGE_NOT_FOUND when the challenge expired or was never issued', async () => {
      const s = await submission();
      challenges.byChallenge.clear();
      await expectRejected(s, ErrorCode.CHALLENGE_NOT_FOUND);
      expect(session.marks).toHaveLength(0);
    });

    it('CHALLENGE_MISMATCH when the challenge was issued for someone else', async () => {
      await expectRejected(await submission({ owner: { sessionId, studentId: randomUUID() } }), ErrorCode.CHALLENGE_MISMATCH);
    });

    it('CHALLENGE_ALREADY_USED when another submission claimed the challenge', async () => {
      const first = await submission();
      await service.handle(first);
      const replay = { ...first, submissionId: 'another-submission-id' };
      publisher.published.length = 0;
      await expectRejected(replay, ErrorCode.CHALLENGE_ALREADY_USED);
      expect(session.marks).toHaveLength(1);
    });

    it('UNKNOWN_CREDENTIAL when the passkey belongs to another user', async () => {
      credentials.byId.get(credentialId)!.userId = randomUUID();
      await expectRejected(await submission(), ErrorCode.UNKNOWN_CREDENTIAL);
    });

    it('DEVICE_NOT_APPROVED when the passkey waits for approval, or was refused: nobody is marked', async () => {
      credentials.byId.get(credentialId)!.status = 'pending';
      const pending = await expectRejected(await submission(), ErrorCode.DEVICE_NOT_APPROVED);
      expect(pending.outcome === 'rejected' && pending.message).toMatch(/waiting for approval.*teachers/);
      expect(pending).toMatchObject({ courseId: session.courseId });
      credentials.byId.get(credentialId)!.status = 'denied';
      publisher.published.length = 0;
      const denied = await expectRejected(await submission(), ErrorCode.DEVICE_NOT_APPROVED);
      expect(denied.outcome === 'rejected' && denied.message).toMatch(/refused/);
      expect(session.marks).toHaveLength(0);
    });

    it('UNKNOWN_CREDENTIAL when the passkey is not registered at all', async () => {
      const stranger = new SoftAuthenticator();
      await registerPasskey(stranger, studentId, new MemoryCredentials());
      await expectRejected(await submission({ with: stranger }), ErrorCode.UNKNOWN_CREDENTIAL);
    });

    it('ASSERTION_INVALID when the signature does not verify', async () => {
      const s = await submission();
      const sig = Buffer.from(s.assertion.response.signature, 'base64url');
      sig[sig.length - 2]! ^= 0xff;
      s.assertion.response.signature = sig.toString('base64url');
      await expectRejected(s, ErrorCode.ASSERTION_INVALID);
      expect(credentials.byId.get(credentialId)!.counter).toBe(0);
    });

    it('ASSERTION_INVALID when the origin is not ours', async () => {
      const challenge = 'c'.repeat(43);
      await challenges.issue(challenge, { sessionId, studentId }, context());
      const assertion = await authenticator.getAssertion({ challenge, rpId: 'localhost' }, { origin: 'https://evil.example' });
      const s = { ...(await submission()), assertion };
      await expectRejected(s, ErrorCode.ASSERTION_INVALID);
    });

    it('USER_NOT_VERIFIED when the device could not verify the student', async () => {
      const noUv = new SoftAuthenticator({ userVerification: false });
      credentials.byId.clear();
      await registerPasskey(noUv, studentId, credentials, false);
      await expectRejected(await submission({ with: noUv }), ErrorCode.USER_NOT_VERIFIED);
    });

    it('COUNTER_REPLAY when the signature counter does not grow', async () => {
      credentials.byId.get(credentialId)!.counter = 5;
      await expectRejected(await submission({ signCount: 3 }), ErrorCode.COUNTER_REPLAY);
    });

    it('SESSION_NOT_FOUND when session-service no longer knows the session', async () => {
      session.state = 'gone';
      await expectRejected(await submission(), ErrorCode.SESSION_NOT_FOUND);
    });

    it('SESSION_NOT_OPEN when the session was closed between the challenge and the submission', async () => {
      const s = await submission();
      session.state = 'closed';
      const v = await expectRejected(s, ErrorCode.SESSION_NOT_OPEN);
      expect(v).toMatchObject({ courseId: session.courseId, message: 'This session is no longer open for check-in.' });
      expect(v).not.toHaveProperty('distanceM');
      expect(session.marks).toHaveLength(0);
    });

    it('NOT_ENROLLED when the student left the course between the challenge and the submission', async () => {
      const s = await submission();
      session.enrolled = false;
      const v = await expectRejected(s, ErrorCode.NOT_ENROLLED);
      expect(v).toMatchObject({ message: 'You are not enrolled in this course.' });
      expect(session.marks).toHaveLength(0);
    });

    it('POSITION_TOO_INACCURATE when the accuracy is worse than the configured maximum', async () => {
      const v = await expectRejected(await submission({ metres: 10, accuracy: 250 }), ErrorCode.POSITION_TOO_INACCURATE);
      expect(v).toMatchObject({ accuracyM: 250 });
      expect(session.marks).toHaveLength(0);
    });

    it('OUTSIDE_GEOFENCE when the student is too far away, saying how far', async () => {
      const v = await expectRejected(await submission({ metres: 400 }), ErrorCode.OUTSIDE_GEOFENCE);
      expect(v.distanceM).toBeCloseTo(400, 0);
      expect(v.outcome === 'rejected' && v.message).toMatch(/about 400 m.*Move closer/);
      expect(session.marks).toHaveLength(0);
      // The assertion was genuine, so its counter is spent.
      expect(credentials.byId.get(credentialId)!.counter).toBe(1);
    });

    it('ALREADY_CHECKED_IN, with the distance, when another submission already marked the student', async () => {
      session.markedElsewhere(studentId);
      const v = await expectRejected(await submission(), ErrorCode.ALREADY_CHECKED_IN);
      expect(v.distanceM).toBeCloseTo(20, 0);
    });

    it('CHECKIN_WINDOW_CLOSED (v1: SESSION_NOT_OPEN), saying the check-in time is over, when the window passed after the challenge', async () => {
      const s = await submission();
      session.windowClosed = true;
      const v = await expectRejected(s, ErrorCode.CHECKIN_WINDOW_CLOSED);
      expect(rejectionReasonV1(ErrorCode.CHECKIN_WINDOW_CLOSED)).toBe(ErrorCode.SESSION_NOT_OPEN);
      expect(v.outcome === 'rejected' && v.message).toMatch(/check-in time for this session is over/);
      expect(session.marks).toHaveLength(0);
    });
  });

  describe('in the order a student is told', () => {
    it('an unknown passkey before a closed session, without asking session-service', async () => {
      session.state = 'closed';
      credentials.byId.get(credentialId)!.userId = randomUUID();
      await expectRejected(await submission(), ErrorCode.UNKNOWN_CREDENTIAL);
      expect(session.requests).toHaveLength(0);
    });

    it('a device not approved before the fence', async () => {
      credentials.byId.get(credentialId)!.status = 'pending';
      await expectRejected(await submission({ metres: 400 }), ErrorCode.DEVICE_NOT_APPROVED);
      expect(session.requests).toHaveLength(0);
    });

    it('a session closed or a student un-enrolled since the challenge: refused by the atomic record, which writes nothing', async () => {
      session.state = 'closed';
      await expectRejected(await submission(), ErrorCode.SESSION_NOT_OPEN);
      session.state = 'open';
      session.enrolled = false;
      publisher.published.length = 0;
      await expectRejected(await submission(), ErrorCode.NOT_ENROLLED);
      expect(session.requests).toHaveLength(2);
      expect(session.requests.some((r) => r.checkOnly)).toBe(false);
      expect(session.marks).toHaveLength(0);
    });

    it('the window the challenge carries (for a submission queued after it) before the fence, and neither asks session-service', async () => {
      closesAt = now.toISOString();
      const after = new Date(now.getTime() + 1).toISOString();
      await expectRejected(await submission({ accuracy: 250, submittedAt: after }), ErrorCode.CHECKIN_WINDOW_CLOSED);
      // Queued at the very moment the window closes: still in it.
      publisher.published.length = 0;
      await expectRejected(await submission({ metres: 400, submittedAt: now.toISOString() }), ErrorCode.OUTSIDE_GEOFENCE);
      expect(session.requests).toHaveLength(0);
      publisher.published.length = 0;
      await expect(service.handle(await submission({ submittedAt: now.toISOString() }))).resolves.toMatchObject({ outcome: 'verified' });
      expect(session.requests).toHaveLength(1);
    });

    it('a redelivery after the window closed ends in the verdict the mark an earlier delivery recorded', async () => {
      closesAt = new Date(now.getTime() + 1_000).toISOString();
      const s = await submission({ submittedAt: now.toISOString() });
      // The first delivery records the mark, then crashes before its verdict is stored.
      const save = verdicts.saveIfAbsent.bind(verdicts);
      verdicts.saveIfAbsent = async () => {
        verdicts.saveIfAbsent = save;
        throw new Error('Redis is down');
      };
      await expect(service.handle(s)).rejects.toThrow('Redis is down');
      expect(session.marks).toHaveLength(1);
      // Redelivered once the window has passed: the same verdict as the recorded mark.
      clock.set(new Date(now.getTime() + 60_000));
      session.windowClosed = true;
      await expect(service.handle(s)).resolves.toMatchObject({ outcome: 'verified', submissionId: s.submissionId });
    });

    it('the fence before the QR code, and the code before "already checked in"', async () => {
      qrMode = 'required';
      session.qr = 'invalid';
      await expectRejected({ ...(await submission({ metres: 400 })), qr: 'ABCDEF' }, ErrorCode.OUTSIDE_GEOFENCE);
      // Refused here: the code was neither judged nor counted.
      expect(session.requests).toHaveLength(0);
      session.markedElsewhere(studentId);
      publisher.published.length = 0;
      await expectRejected({ ...(await submission()), qr: 'ABCDEF' }, ErrorCode.QR_INVALID);
    });
  });

  it('decides with the context the challenge carries: one call to session-service for an accepted check-in, none for the context or a refusal of its own', async () => {
    await service.handle(await submission());
    await service.handle(await submission({ metres: 400 }));
    expect(session.contextCalls).toBe(0);
    expect(session.requests).toHaveLength(1);
    expect(session.requests[0]).not.toHaveProperty('checkOnly');
  });

  it('answers SESSION_NOT_OPEN to a challenge whose session closed before it was used (its fence is gone)', async () => {
    const s = await submission();
    await challenges.forgetSession(sessionId);
    const verdict = await expectRejected(s, ErrorCode.SESSION_NOT_OPEN);
    expect(verdict).toMatchObject({ courseId: session.courseId });
    expect(session.requests).toHaveLength(0);
  });

  it('has the claimed challenge forget its context (the fence centre) when the verdict is stored, accepted or rejected', async () => {
    const accepted = await submission();
    const outside = await submission({ metres: 400 });
    const expired = await submission();
    challenges.byChallenge.delete(challengeOf(expired.assertion.response.clientDataJSON)!);
    await service.handle(accepted);
    await service.handle(outside);
    await service.handle(expired);
    expect(verdicts.retired).toEqual([accepted, outside].map((s) => challengeOf(s.assertion.response.clientDataJSON)));
  });

  describe('rotating QR codes', () => {
    const withQr = (mode: 'offered' | 'required') => {
      qrMode = mode;
    };

    it('ignores a code when the session does not use QR codes', async () => {
      const v = await service.handle({ ...(await submission()), qr: 'ABCDEF' });
      expect(v).toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence'] });
      expect(session.requests[0]).not.toHaveProperty('qr');
    });

    it('QR_REQUIRED, with the distance, when the session requires a code and none came (at begin or with the submission): session-service is not asked', async () => {
      withQr('required');
      const v = await expectRejected(await submission(), ErrorCode.QR_REQUIRED);
      expect(v.distanceM).toBeCloseTo(20, 0);
      expect(session.requests).toEqual([]);
      expect(session.marks).toHaveLength(0);
    });

    it('accepts without a code when QR codes are only offered', async () => {
      withQr('offered');
      await expect(service.handle(await submission())).resolves.toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence'] });
    });

    it('gives session-service the code to judge as of when it was submitted, and counts qr among the methods', async () => {
      withQr('required');
      const s = { ...(await submission()), qr: 'abc.1.AAAAAAAAAAAAAAAA', submittedAt: '2026-03-02T08:59:58.000Z' };
      const v = await service.handle(s);
      expect(v).toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence', 'qr'] });
      expect(session.requests).toEqual([expect.objectContaining({ sessionId, studentId, qr: { code: s.qr, at: s.submittedAt }, methods: ['passkey', 'geofence'] })]);
    });

    it('relies on the code judged at checkin:begin: accepted with qr among the methods, however stale that code is now, and nothing judged again', async () => {
      withQr('required');
      codeAtBegin = true;
      // The submission carries no code (or an old one, ignored): what begin found stands.
      session.qr = 'expired';
      const plain = await service.handle(await submission());
      expect(plain).toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence', 'qr'] });
      const stale = await service.handle({ ...(await submission()), qr: 'ABCDEF' });
      expect(stale).toMatchObject({ outcome: 'rejected', reason: ErrorCode.ALREADY_CHECKED_IN });
      expect(session.requests[0]).toMatchObject({ methods: ['passkey', 'geofence', 'qr'] });
      expect(session.requests[0]).not.toHaveProperty('qr');
      expect(session.requests[1]).not.toHaveProperty('qr');
    });

    it('does not count a code judged at begin once the session no longer uses QR codes in the challenge', async () => {
      codeAtBegin = true; // a challenge that says valid, but no QR mode: nothing to prove
      await expect(service.handle(await submission())).resolves.toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence'] });
    });

    it.each([
      ['expired', ErrorCode.QR_EXPIRED],
      ['wrong-session', ErrorCode.QR_WRONG_SESSION],
      ['invalid', ErrorCode.QR_INVALID],
      ['throttled', ErrorCode.RATE_LIMITED],
    ] as const)('a code session-service finds %s is refused as %s', async (result, reason) => {
      withQr('offered');
      session.qr = result;
      const v = await expectRejected({ ...(await submission()), qr: 'ABCDEF' }, reason);
      expect(v.distanceM).toBeCloseTo(20, 0);
      expect(session.marks).toHaveLength(0);
    });

    it('throws (for a redelivery) when session-service cannot be asked', async () => {
      withQr('required');
      session.failure = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'down');
      await expect(service.handle({ ...(await submission()), qr: 'ABCDEF' })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
      expect(verdicts.byId.size).toBe(0);
    });
  });

  describe('redelivery', () => {
    it('reuses a stored verdict: no second claim, no session call, the same event again', async () => {
      const s = await submission();
      const first = await service.handle(s);
      const claims = challenges.claims;
      const again = await service.handle(s);
      expect(again).toEqual(first);
      expect(challenges.claims).toBe(claims);
      expect(session.requests).toHaveLength(1);
      expect(session.marks).toHaveLength(1);
      expect(publisher.published).toEqual([first, first]);
    });

    it('throws on SERVICE_UNAVAILABLE without storing anything, and a redelivery then decides', async () => {
      const s = await submission();
      session.failure = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Not available.');
      await expect(service.handle(s)).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
      expect(verdicts.byId.size).toBe(0);
      expect(publisher.published).toHaveLength(0);
      expect(credentials.byId.get(credentialId)!.counter).toBe(0);

      delete session.failure;
      await expect(service.handle(s)).resolves.toMatchObject({ outcome: 'verified' });
      expect(publisher.published).toHaveLength(1);
    });

    it('after a crash between record-mark and storing the verdict, decides the same way again', async () => {
      const s = await submission();
      const originalSave = verdicts.saveIfAbsent.bind(verdicts);
      verdicts.saveIfAbsent = async () => {
        throw new Error('killed');
      };
      await expect(service.handle(s)).rejects.toThrow('killed');
      verdicts.saveIfAbsent = originalSave;
      // The mark is idempotent for the same submission; the challenge is claimed by this same submission.
      const verdict = await service.handle(s);
      expect(verdict).toMatchObject({ outcome: 'verified' });
      expect(session.marks.map((m) => m.submissionId)).toEqual([s.submissionId, s.submissionId]);
      expect(publisher.published).toEqual([verdict]);
    });

    it('after a crash between record-mark and storing the verdict, still ends verified if the session closed meanwhile', async () => {
      const s = await submission();
      const originalSave = verdicts.saveIfAbsent.bind(verdicts);
      verdicts.saveIfAbsent = async () => {
        throw new Error('killed');
      };
      await expect(service.handle(s)).rejects.toThrow('killed');
      verdicts.saveIfAbsent = originalSave;
      session.state = 'closed';
      await expect(service.handle(s)).resolves.toMatchObject({ outcome: 'verified' });
    });

    it('after a failed publish, publishes the stored verdict on redelivery', async () => {
      const s = await submission({ metres: 500 });
      publisher.failNext = true;
      await expect(service.handle(s)).rejects.toThrow('NATS is down');
      const stored = verdicts.byId.get(s.submissionId);
      expect(stored).toMatchObject({ outcome: 'rejected', reason: ErrorCode.OUTSIDE_GEOFENCE });
      await expect(service.handle(s)).resolves.toEqual(stored);
      expect(publisher.published).toEqual([stored]);
    });
  });
});
