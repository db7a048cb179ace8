import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  DomainError,
  ErrorCode,
  rejectionReasonV1,
  type AuthenticationOptions,
  type CheckinContextReply,
  type CheckinSubmission,
  type RegistrationOptions,
} from '@classconnect/contracts';
import { SettableClock } from '@classconnect/config';
import { SoftAuthenticator } from '@classconnect/testing';
import { MemoryCredentials } from '../passkeys/testing/fakes.js';
import { LibraryAssertionVerifier } from './assertion-verifier.js';
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

  beforeEach(async () => {
    sessionId = randomUUID();
    studentId = randomUUID();
    verdicts = new MemoryVerdicts();
    challenges = new MemoryChallenges();
    credentials = new MemoryCredentials();
    session = new FakeSessionClient(sessionId, fence);
    publisher = new RecordingPublisher();
    service = new VerdictService(verdicts, challenges, credentials, new Verifier(config), session.client, publisher, new SettableClock(now), config);
    authenticator = new SoftAuthenticator();
    credentialId = await registerPasskey(authenticator, studentId, credentials);
  });

  /** Issues a challenge for (session, student) and signs it, as the browser would. */
  async function submission(
    overrides: { owner?: ChallengeOwner; metres?: number; accuracy?: number; signCount?: number; with?: SoftAuthenticator } = {},
  ): Promise<CheckinSubmission> {
    const challenge = randomUUID().replaceAll('-', '');
    await challenges.issue(challenge, overrides.owner ?? { sessionId, studentId });
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
      submittedAt: new Date().toISOString(),
    };
  }

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
    expect(publisher.published).toEqual([verdict]);
    expect(verdicts.byId.get(s.submissionId)).toEqual(verdict);
    expect(credentials.byId.get(credentialId)).toMatchObject({ counter: 1, lastUsedAt: now });
    expect(JSON.stringify(verdict)).not.toMatch(/latitude|longitude/);
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
      expect(pending).toMatchObject({ courseId: (session.context as CheckinContextReply).courseId });
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
      await challenges.issue(challenge, { sessionId, studentId });
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

    it('SESSION_NOT_FOUND when session-service does not know the session', async () => {
      session.context = new DomainError(ErrorCode.SESSION_NOT_FOUND, 'There is no such session.');
      await expectRejected(await submission(), ErrorCode.SESSION_NOT_FOUND);
    });

    it('SESSION_NOT_OPEN when the session was closed meanwhile', async () => {
      session.context = { ...(session.context as CheckinContextReply), status: 'closed' };
      await expectRejected(await submission(), ErrorCode.SESSION_NOT_OPEN);
      expect(session.marks).toHaveLength(0);
    });

    it('NOT_ENROLLED when the student is not in the course', async () => {
      session.context = { ...(session.context as CheckinContextReply), enrolled: false };
      await expectRejected(await submission(), ErrorCode.NOT_ENROLLED);
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

    it('ALREADY_CHECKED_IN when another submission already marked the student', async () => {
      session.markReply = { recorded: false, alreadyPresent: true };
      await expectRejected(await submission(), ErrorCode.ALREADY_CHECKED_IN);
    });

    it('SESSION_NOT_OPEN when record-mark finds the session closed', async () => {
      session.markReply = new DomainError(ErrorCode.SESSION_NOT_OPEN, 'The session is closed.');
      await expectRejected(await submission(), ErrorCode.SESSION_NOT_OPEN);
    });

    it('CHECKIN_WINDOW_CLOSED (v1: SESSION_NOT_OPEN), saying the check-in time is over, when the session is open but its window has passed', async () => {
      session.context = { ...(session.context as CheckinContextReply), windowClosed: true };
      const v = await expectRejected(await submission(), ErrorCode.CHECKIN_WINDOW_CLOSED);
      expect(rejectionReasonV1(ErrorCode.CHECKIN_WINDOW_CLOSED)).toBe(ErrorCode.SESSION_NOT_OPEN);
      expect(v.outcome === 'rejected' && v.message).toMatch(/check-in time for this session is over/);
      expect(session.marks).toHaveLength(0);
    });

    it('CHECKIN_WINDOW_CLOSED, saying the check-in time is over, when record-mark answers CHECKIN_WINDOW_CLOSED', async () => {
      session.markReply = new DomainError(ErrorCode.CHECKIN_WINDOW_CLOSED, 'The check-in time is over.');
      const v = await expectRejected(await submission(), ErrorCode.CHECKIN_WINDOW_CLOSED);
      expect(v.outcome === 'rejected' && v.message).toMatch(/check-in time for this session is over/);
    });
  });

  describe('rotating QR codes', () => {
    const withQr = (mode: 'offered' | 'required') => {
      session.context = { ...(session.context as CheckinContextReply), qrMode: mode };
    };

    it('ignores a code when the session does not use QR codes', async () => {
      const v = await service.handle({ ...(await submission()), qr: 'ABCDEF' });
      expect(v).toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence'] });
      expect(session.qrChecks).toHaveLength(0);
    });

    it('QR_REQUIRED when the session requires a code and none came, without asking session-service', async () => {
      withQr('required');
      await expectRejected(await submission(), ErrorCode.QR_REQUIRED);
      expect(session.qrChecks).toHaveLength(0);
      expect(session.marks).toHaveLength(0);
    });

    it('accepts without a code when QR codes are only offered', async () => {
      withQr('offered');
      await expect(service.handle(await submission())).resolves.toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence'] });
    });

    it('asks session-service about the code as of when it was submitted, and counts qr among the methods', async () => {
      withQr('required');
      const s = { ...(await submission()), qr: 'abc.1.AAAAAAAAAAAAAAAA', submittedAt: '2026-03-02T08:59:58.000Z' };
      const v = await service.handle(s);
      expect(v).toMatchObject({ outcome: 'verified', methods: ['passkey', 'geofence', 'qr'] });
      expect(session.qrChecks).toEqual([{ sessionId, studentId, code: s.qr, at: s.submittedAt }]);
      expect(session.marks[0]?.methods).toEqual(['passkey', 'geofence', 'qr']);
    });

    it.each([
      ['expired', ErrorCode.QR_EXPIRED],
      ['wrong-session', ErrorCode.QR_WRONG_SESSION],
      ['invalid', ErrorCode.QR_INVALID],
      ['throttled', ErrorCode.RATE_LIMITED],
    ] as const)('a code session-service finds %s is refused as %s', async (result, reason) => {
      withQr('offered');
      session.qrReply = { result };
      await expectRejected({ ...(await submission()), qr: 'ABCDEF' }, reason);
      expect(session.marks).toHaveLength(0);
    });

    it('throws (for a redelivery) when session-service cannot be asked', async () => {
      withQr('required');
      session.qrReply = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'down');
      await expect(service.handle({ ...(await submission()), qr: 'ABCDEF' })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
      expect(verdicts.byId.size).toBe(0);
    });
  });

  describe('redelivery', () => {
    it('reuses a stored verdict: no second claim, no session call, the same event again', async () => {
      const s = await submission();
      const first = await service.handle(s);
      const claims = challenges.claims;
      const calls = session.contextCalls;
      const again = await service.handle(s);
      expect(again).toEqual(first);
      expect(challenges.claims).toBe(claims);
      expect(session.contextCalls).toBe(calls);
      expect(session.marks).toHaveLength(1);
      expect(publisher.published).toEqual([first, first]);
    });

    it('throws on SERVICE_UNAVAILABLE without storing anything, and a redelivery then decides', async () => {
      const s = await submission();
      session.markReply = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Not available.');
      await expect(service.handle(s)).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
      expect(verdicts.byId.size).toBe(0);
      expect(publisher.published).toHaveLength(0);
      expect(credentials.byId.get(credentialId)!.counter).toBe(0);

      session.markReply = { recorded: true, alreadyPresent: false };
      await expect(service.handle(s)).resolves.toMatchObject({ outcome: 'verified' });
      expect(publisher.published).toHaveLength(1);
    });

    it('throws when session-service is unavailable for the context', async () => {
      session.context = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Not available.');
      await expect(service.handle(await submission())).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
      expect(verdicts.byId.size).toBe(0);
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
