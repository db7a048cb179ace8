import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  EventTypePrefix,
  IntakeSubject,
  Rpc,
  Streams,
  type Actor,
  type AuthenticationResponse,
  type CheckinContextReply,
  type CheckinSubmission,
  type CloudEvent,
  type RecordMarkReply,
  type RecordMarkRequest,
} from '@classconnect/contracts';
import { SystemClock, loadConfig } from '@classconnect/config';
import { RpcClient, RpcServer, connectNats, subscriptionsRegistered, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { SoftAuthenticator, waitFor } from '@classconnect/testing';
import { AppModule } from '../../../apps/verification-service/src/app.module.js';
import { ChallengeRepository } from '../../../apps/verification-service/src/checkin/challenge.repository.js';
import { VerdictRepository } from '../../../apps/verification-service/src/checkin/verdict.repository.js';
import { FlagStateRepository } from '../../../apps/verification-service/src/flags/flag-state.repository.js';
import { CredentialCache, NatsCredentialChangeBus } from '../../../apps/verification-service/src/passkeys/credential-cache.js';
import { CachingCredentialRepository, CredentialRepository, PostgresCredentialRepository } from '../../../apps/verification-service/src/passkeys/credential.repository.js';
import { VerificationPrivacyService } from '../../../apps/verification-service/src/privacy/privacy.service.js';
import { VerificationEnv } from '../../../apps/verification-service/src/config.js';
import {
  migrateVerification,
  revertLastVerificationMigration,
} from '../../../apps/verification-service/src/infrastructure/verification-database.js';

/**
 * verification-service started in-process against the real Redis, Postgres (a throw-away database)
 * and NATS, with a fake session-service answering on NATS. Every Redis key carries this run's prefix.
 */
const prefix = `test-verification-${randomUUID().slice(0, 8)}:`;
const databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
databaseUrl.pathname = '/classconnect_it_verification';
const config = loadConfig(VerificationEnv, {
  ...process.env,
  DATABASE_URL: databaseUrl.toString(),
  REDIS_KEY_PREFIX: prefix,
  WEBAUTHN_RP_ID: 'localhost',
  WEBAUTHN_ORIGINS: 'http://localhost:3000',
});
const origin = 'http://localhost:3000';

jest.setTimeout(30_000);
const fence = { latitude: 45.764, longitude: 4.8357, radiusM: 80 };
const metresNorth = (m: number) => fence.latitude + m / 111_195;

/** The part of session-service verification talks to, held in memory. */
class FakeSessionService {
  readonly sessions = new Map<string, { courseId: string; status: 'open' | 'closed'; enrolled: Set<string>; present: Map<string, string>; qrMode?: 'required' }>();
  /** The one code a session with QR codes takes (session-service's real judging is in its own specs). */
  static readonly GoodCode = 'GOOD22';
  readonly marks: RecordMarkRequest[] = [];

  open(students: string[]): string {
    const sessionId = randomUUID();
    this.sessions.set(sessionId, { courseId: randomUUID(), status: 'open', enrolled: new Set(students), present: new Map() });
    return sessionId;
  }

  serve(nc: NatsConnection): RpcServer {
    const server = new RpcServer(nc, `spec-session-${randomUUID()}`);
    server.handle(Rpc.sessionCheckinContext, async ({ sessionId, studentId, qr }): Promise<CheckinContextReply> => {
      const s = this.find(sessionId);
      const code = s.qrMode && qr !== undefined ? { qr: qr === FakeSessionService.GoodCode ? ('valid' as const) : ('invalid' as const) } : {};
      return { sessionId, courseId: s.courseId, status: s.status, enrolled: s.enrolled.has(studentId), alreadyPresent: s.present.has(studentId), fence, ...(s.qrMode ? { qrMode: s.qrMode } : {}), ...code };
    });
    server.handle(Rpc.sessionRecordMark, async (req): Promise<RecordMarkReply> => {
      const s = this.sessions.get(req.sessionId);
      if (!s) return { result: 'refused', reason: 'SESSION_NOT_FOUND' };
      this.marks.push(req);
      const by = s.present.get(req.studentId);
      const recorded = { result: 'recorded', status: 'present', methods: req.methods } as const;
      if (by === req.submissionId) return recorded;
      if (s.status !== 'open') return { result: 'refused', reason: 'SESSION_NOT_OPEN' };
      if (!s.enrolled.has(req.studentId)) return { result: 'refused', reason: 'NOT_ENROLLED' };
      if (req.checkOnly) return { result: 'allowed' };
      if (by) return { result: 'refused', reason: 'ALREADY_CHECKED_IN' };
      s.present.set(req.studentId, req.submissionId);
      return recorded;
    });
    return server;
  }

  private find(sessionId: string) {
    const s = this.sessions.get(sessionId);
    if (!s) throw new DomainError(ErrorCode.SESSION_NOT_FOUND, 'There is no such session.');
    return s;
  }
}


describe('verification-service against real Redis, Postgres and NATS', () => {
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let redis: Redis;
  let client: RpcClient;
  let sessionServer: RpcServer;
  const session = new FakeSessionService();
  const events: CloudEvent[] = [];

  const student: Actor = { userId: randomUUID(), role: 'student' };
  const authenticator = new SoftAuthenticator();

  /** The v1 verdict event of a submission (a rejection also has a v2 twin, published just before it). */
  const eventFor = (submissionId: string, version = 'v1') => () =>
    events.find((e) => (e.data as { submissionId?: string }).submissionId === submissionId && e.type.endsWith(`.${version}`));

  async function submit(sessionId: string, assertion: AuthenticationResponse, position: CheckinSubmission['position']): Promise<string> {
    const submissionId = randomUUID().replaceAll('-', '').slice(0, 22);
    const submission: CheckinSubmission = { submissionId, sessionId, studentId: student.userId, assertion, position, submittedAt: new Date().toISOString() };
    await jetstream(nc).publish(IntakeSubject, JSON.stringify(submission), { msgID: submissionId });
    return submissionId;
  }

  async function signChallenge(sessionId: string): Promise<AuthenticationResponse> {
    const { options } = await client.request(Rpc.checkinChallenge, { actor: student, sessionId });
    return authenticator.getAssertion(options, { origin });
  }

  beforeAll(async () => {
    // Up, down and up again: the migration must revert cleanly.
    await migrateVerification(config.DATABASE_URL);
    await revertLastVerificationMigration(config.DATABASE_URL);
    await migrateVerification(config.DATABASE_URL);

    nc = await connectNats(config.NATS_URL, 'verification-spec');
    redis = new Redis(config.REDIS_URL);
    client = new RpcClient(nc, 5_000);
    sessionServer = session.serve(nc);
    subscribeEvents(nc, 'attendance.checkin.>', (e) => events.push(e));
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    await app.init();
    await subscriptionsRegistered(app);
  });

  afterAll(async () => {
    await app?.close();
    await sessionServer?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await nc?.drain();
  });

  it('registers a passkey through the real WebAuthn ceremony, once per challenge', async () => {
    const options = await client.request(Rpc.passkeyRegistrationOptions, { actor: student });
    expect(options).toMatchObject({
      rp: { id: 'localhost' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      excludeCredentials: [],
    });
    expect(options.pubKeyCredParams[0]).toEqual({ type: 'public-key', alg: -7 });
    expect(await redis.ttl(`${prefix}regchal:${student.userId}`)).toBeGreaterThan(250);

    const response = await authenticator.createCredential(options, { origin });
    const registered = await client.request(Rpc.passkeyRegister, { actor: student, response, deviceName: 'Ada’s phone' });
    expect(registered).toMatchObject({ credentialId: response.id, deviceName: 'Ada’s phone' });

    // The challenge was consumed: the same response cannot be registered again.
    await expect(client.request(Rpc.passkeyRegister, { actor: student, response })).rejects.toMatchObject({
      code: ErrorCode.PASSKEY_REGISTRATION_FAILED,
    });
    const { passkeys } = await client.request(Rpc.passkeyList, { actor: student });
    expect(passkeys).toEqual([expect.objectContaining({ credentialId: response.id, deviceName: 'Ada’s phone' })]);

    const again = await client.request(Rpc.passkeyRegistrationOptions, { actor: student });
    expect(again.excludeCredentials).toEqual([expect.objectContaining({ id: response.id })]);
  });

  it('refuses a registration signed for another origin', async () => {
    const other: Actor = { userId: randomUUID(), role: 'student' };
    const options = await client.request(Rpc.passkeyRegistrationOptions, { actor: other });
    const response = await new SoftAuthenticator().createCredential(options, { origin: 'https://phish.example' });
    await expect(client.request(Rpc.passkeyRegister, { actor: other, response })).rejects.toMatchObject({
      code: ErrorCode.PASSKEY_REGISTRATION_FAILED,
      message: expect.stringMatching(/website/),
    });
  });

  it('issues a challenge only to an enrolled student with a passkey in an open session', async () => {
    const sessionId = session.open([student.userId]);
    const reply = await client.request(Rpc.checkinChallenge, { actor: student, sessionId });
    expect(reply.options).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [expect.objectContaining({ id: authenticator.credentialIds[0] })] });
    expect(new Date(reply.expiresAt).getTime()).toBeGreaterThan(Date.now() + 100_000);
    const stored = JSON.parse((await redis.get(`${prefix}chal:${reply.options.challenge}`))!);
    // With what the verdict needs of the session, so deciding it asks session-service only to record the mark.
    expect(stored).toEqual({ sessionId, studentId: student.userId, issuedAt: expect.stringMatching(/^\d{13}$/), context: JSON.stringify({ courseId: session.sessions.get(sessionId)!.courseId, fence }) });
    expect(await redis.ttl(`${prefix}chal:${reply.options.challenge}`)).toBeGreaterThan(100);

    await expect(client.request(Rpc.checkinChallenge, { actor: { userId: randomUUID(), role: 'teacher' }, sessionId })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    const stranger: Actor = { userId: randomUUID(), role: 'student' };
    await expect(client.request(Rpc.checkinChallenge, { actor: stranger, sessionId })).rejects.toMatchObject({ code: ErrorCode.NOT_ENROLLED });
    session.sessions.get(sessionId)!.enrolled.add(stranger.userId);
    await expect(client.request(Rpc.checkinChallenge, { actor: stranger, sessionId })).rejects.toMatchObject({ code: ErrorCode.NO_PASSKEY });
    await expect(client.request(Rpc.checkinChallenge, { actor: student, sessionId: randomUUID() })).rejects.toMatchObject({
      code: ErrorCode.SESSION_NOT_FOUND,
    });
    session.sessions.get(sessionId)!.status = 'closed';
    await expect(client.request(Rpc.checkinChallenge, { actor: student, sessionId })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_OPEN });
  });

  it('verifies a check-in submitted to the intake stream and publishes the verified event', async () => {
    const sessionId = session.open([student.userId]);
    const assertion = await signChallenge(sessionId);
    const submissionId = await submit(sessionId, assertion, { latitude: metresNorth(30), longitude: fence.longitude, accuracy: 10 });

    const event = await waitFor(eventFor(submissionId), 'the verdict event');
    expect(event).toMatchObject({
      type: 'edu.classconnect.attendance.checkin.verified.v1',
      id: `verdict:${submissionId}`,
      subject: sessionId,
      data: { submissionId, sessionId, studentId: student.userId, courseId: session.sessions.get(sessionId)!.courseId, accuracyM: 10, methods: ['passkey', 'geofence'] },
    });
    expect((event.data as { distanceM: number }).distanceM).toBeCloseTo(30, 0);
    expect(JSON.stringify(event)).not.toMatch(/latitude|longitude/);
    expect(session.marks.filter((m) => m.submissionId === submissionId)).toHaveLength(1);
    expect(JSON.parse((await redis.get(`${prefix}verdict:${submissionId}`))!)).toMatchObject({ outcome: 'verified' });
    // The claimed challenge no longer holds the fence's centre.
    const challenge = JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString()).challenge as string;
    expect(JSON.parse((await redis.get(`${prefix}chal:${challenge}`))!)).toEqual({ sessionId, studentId: student.userId, issuedAt: expect.stringMatching(/^\d{13}$/), claimedBy: submissionId });

    const db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT counter, last_used_at FROM verification.credentials WHERE id = $1', [assertion.id]);
      expect(rows[0]).toMatchObject({ counter: '1', last_used_at: expect.any(Date) });
    } finally {
      await db.end();
    }
  });

  it('rejects a check-in from outside the fence, saying how far', async () => {
    const sessionId = session.open([student.userId]);
    const submissionId = await submit(sessionId, await signChallenge(sessionId), { latitude: metresNorth(300), longitude: fence.longitude, accuracy: 10 });
    const event = await waitFor(eventFor(submissionId), 'the verdict event');
    expect(event).toMatchObject({
      type: 'edu.classconnect.attendance.checkin.rejected.v1',
      data: { submissionId, reason: ErrorCode.OUTSIDE_GEOFENCE, message: expect.stringMatching(/about 300 m.*Move closer/) },
    });
    expect(eventFor(submissionId, 'v2')()).toMatchObject({
      type: 'edu.classconnect.attendance.checkin.rejected.v2',
      data: { submissionId, reason: ErrorCode.OUTSIDE_GEOFENCE },
    });
    expect(eventFor(submissionId, 'v3')()).toMatchObject({
      type: 'edu.classconnect.attendance.checkin.rejected.v3',
      data: { submissionId, reason: ErrorCode.OUTSIDE_GEOFENCE },
    });
    expect(session.sessions.get(sessionId)!.present.size).toBe(0);
  });

  it('rejects a check-in to a session closed after its challenge was issued: the one atomic record refuses it, and nothing is marked', async () => {
    const sessionId = session.open([student.userId]);
    const assertion = await signChallenge(sessionId);
    session.sessions.get(sessionId)!.status = 'closed';
    const submissionId = await submit(sessionId, assertion, { latitude: metresNorth(20), longitude: fence.longitude, accuracy: 10 });
    const event = await waitFor(eventFor(submissionId, 'v3'), 'the verdict event');
    expect(event.data).toMatchObject({ submissionId, reason: ErrorCode.SESSION_NOT_OPEN, message: 'This session is no longer open for check-in.' });
    expect(event.data).not.toHaveProperty('distanceM');
    expect(session.marks.filter((m) => m.submissionId === submissionId)).toEqual([expect.not.objectContaining({ checkOnly: true })]);
    expect(session.sessions.get(sessionId)!.present.size).toBe(0);
  });

  it('rejects a check-in of a student un-enrolled after the challenge was issued: the one atomic record refuses it', async () => {
    const sessionId = session.open([student.userId]);
    const assertion = await signChallenge(sessionId);
    session.sessions.get(sessionId)!.enrolled.delete(student.userId);
    const submissionId = await submit(sessionId, assertion, { latitude: metresNorth(20), longitude: fence.longitude, accuracy: 10 });
    const event = await waitFor(eventFor(submissionId, 'v3'), 'the verdict event');
    expect(event.data).toMatchObject({ submissionId, reason: ErrorCode.NOT_ENROLLED });
    expect(session.sessions.get(sessionId)!.present.size).toBe(0);
  });

  it('refuses outside the fence without asking session-service at all: the challenge carried the fence', async () => {
    const sessionId = session.open([student.userId]);
    const assertion = await signChallenge(sessionId);
    const submissionId = await submit(sessionId, assertion, { latitude: metresNorth(300), longitude: fence.longitude, accuracy: 10 });
    await expect(waitFor(eventFor(submissionId, 'v3'), 'the verdict event')).resolves.toMatchObject({ data: { reason: ErrorCode.OUTSIDE_GEOFENCE } });
    expect(session.marks.filter((m) => m.submissionId === submissionId)).toEqual([]);
  });

  it('binds a QR code judged at begin into the challenge (accepted with qr, no code at submit), and refuses a wrong one at begin with a code-refused event', async () => {
    const sessionId = session.open([student.userId]);
    session.sessions.get(sessionId)!.qrMode = 'required';
    const { options } = await client.request(Rpc.checkinChallenge, { actor: student, sessionId, qr: FakeSessionService.GoodCode });
    const raw = await redis.get(`${prefix}chal:${options.challenge}`);
    expect(JSON.parse(JSON.parse(raw!).context)).toMatchObject({ qrMode: 'required', qr: 'valid' });
    const assertion = await authenticator.getAssertion(options, { origin });
    const submissionId = await submit(sessionId, assertion, { latitude: metresNorth(20), longitude: fence.longitude, accuracy: 10 });
    await expect(waitFor(eventFor(submissionId), 'the verdict event')).resolves.toMatchObject({
      type: 'edu.classconnect.attendance.checkin.verified.v1',
      data: { methods: ['passkey', 'geofence', 'qr'] },
    });
    expect(session.marks.filter((m) => m.submissionId === submissionId)).toEqual([expect.objectContaining({ methods: ['passkey', 'geofence', 'qr'] })]);

    const other = session.open([student.userId]);
    session.sessions.get(other)!.qrMode = 'required';
    await expect(client.request(Rpc.checkinChallenge, { actor: student, sessionId: other, qr: 'BAD222' })).rejects.toMatchObject({ code: ErrorCode.QR_INVALID });
    await expect(
      waitFor(() => events.find((e) => e.type.endsWith('checkin.code-refused.v1') && (e.data as { sessionId: string }).sessionId === other), 'the code-refused event'),
    ).resolves.toMatchObject({ data: { studentId: student.userId, courseId: session.sessions.get(other)!.courseId, reason: 'QR_INVALID' } });
  });

  it('rejects a replayed assertion as CHALLENGE_ALREADY_USED and leaves the first verdict alone', async () => {
    const sessionId = session.open([student.userId]);
    const assertion = await signChallenge(sessionId);
    const inside = { latitude: metresNorth(5), longitude: fence.longitude, accuracy: 8 };
    const first = await submit(sessionId, assertion, inside);
    await waitFor(eventFor(first), 'the first verdict');
    const replay = await submit(sessionId, assertion, inside);
    const event = await waitFor(eventFor(replay), 'the replay verdict');
    expect(event).toMatchObject({ type: 'edu.classconnect.attendance.checkin.rejected.v1', data: { reason: ErrorCode.CHALLENGE_ALREADY_USED } });
    expect(eventFor(first)()).toMatchObject({ type: 'edu.classconnect.attendance.checkin.verified.v1' });
    expect(session.sessions.get(sessionId)!.present.get(student.userId)).toBe(first);
  });

  it('claims a challenge atomically in Redis: once per submission, kept alive once claimed', async () => {
    const challenges = app.get(ChallengeRepository);
    const owner = { sessionId: randomUUID(), studentId: randomUUID() };
    const challenge = `spec-${randomUUID()}`;
    // Numbers cjson would round: the context must come back exactly as it went in, also after the claim re-encodes the record.
    const context = { courseId: randomUUID(), fence: { latitude: 45.76412345678912, longitude: 4.835712345678912, radiusM: 80 }, qrMode: 'required' as const };
    const issuedAt = Date.now();
    await challenges.issue(challenge, owner, context, 120, issuedAt);
    // Issuing lists the challenge under its session (for the close), a list that expires on its own.
    expect(await redis.sismember(`${prefix}chals:${owner.sessionId}`, challenge)).toBe(1);
    expect(await redis.ttl(`${prefix}chals:${owner.sessionId}`)).toBeGreaterThan(3600);
    expect(await redis.ttl(`${prefix}chal:${challenge}`)).toBeLessThanOrEqual(120);
    await expect(challenges.claim(challenge, { ...owner, studentId: randomUUID() }, 'sub-a')).resolves.toEqual({ result: 'mismatch' });
    await expect(challenges.claim(challenge, owner, 'sub-a')).resolves.toEqual({ result: 'claimed', context });
    await expect(challenges.claim(challenge, owner, 'sub-a')).resolves.toEqual({ result: 'claimed', context });
    await expect(challenges.claim(challenge, owner, 'sub-b')).resolves.toEqual({ result: 'already_used' });
    await expect(challenges.claim('never-issued', owner, 'sub-a')).resolves.toEqual({ result: 'not_found' });
    // A claimed challenge outlives its 120 s so a redelivery after a crash still finds its own claim.
    expect(await redis.ttl(`${prefix}chal:${challenge}`)).toBeGreaterThan(500);
    expect(JSON.parse((await redis.get(`${prefix}chal:${challenge}`))!)).toEqual({ ...owner, issuedAt: String(issuedAt), context: JSON.stringify(context), claimedBy: 'sub-a' });

    // Once the verdict is stored, the challenge forgets its context (the fence centre) and keeps its claim.
    const verdict = { submissionId: 'sub-a', ...owner, at: new Date().toISOString(), outcome: 'rejected' as const, reason: ErrorCode.OUTSIDE_GEOFENCE, message: 'Too far.' };
    await app.get(VerdictRepository).saveIfAbsent(verdict, challenge);
    expect(JSON.parse((await redis.get(`${prefix}chal:${challenge}`))!)).toEqual({ ...owner, issuedAt: String(issuedAt), claimedBy: 'sub-a' });
    expect(await redis.ttl(`${prefix}chal:${challenge}`)).toBeGreaterThan(500);
    await expect(challenges.claim(challenge, owner, 'sub-b')).resolves.toEqual({ result: 'already_used' });
    // A redelivery of the decided submission gets its verdict from the same call, whatever became of the challenge.
    await expect(challenges.claim(challenge, owner, 'sub-a')).resolves.toEqual({ result: 'decided', verdict });
    await expect(challenges.claim('never-issued', owner, 'sub-a')).resolves.toEqual({ result: 'decided', verdict });
  });

  it('takes the fence out of a closed session’s unclaimed challenges, leaves the claimed one being decided and one issued after a reopen', async () => {
    const challenges = app.get(ChallengeRepository);
    const owner = { sessionId: randomUUID(), studentId: randomUUID() };
    const other = { sessionId: randomUUID(), studentId: owner.studentId };
    const context = { courseId: randomUUID(), fence: { latitude: 45.7641, longitude: 4.8357, radiusM: 80 } };
    const [unclaimed, claimed, elsewhere, afterReopen] = ['u', 'c', 'e', 'r'].map((k) => `spec-${k}-${randomUUID()}`);
    const closedAt = Date.now();
    await challenges.issue(unclaimed!, owner, context, 120, closedAt - 5_000);
    await challenges.issue(claimed!, owner, context, 120, closedAt - 4_000);
    await challenges.issue(elsewhere!, other, context, 120, closedAt - 3_000);
    // Issued after the close: the session was reopened before this service saw the close.
    await challenges.issue(afterReopen!, owner, context, 120, closedAt + 60_000);
    await challenges.claim(claimed!, owner, 'sub-c');
    expect(await redis.smembers(`${prefix}chals:${owner.sessionId}`)).toEqual(expect.arrayContaining([unclaimed, claimed, afterReopen]));

    await challenges.forgetSession(owner.sessionId, closedAt);
    expect(JSON.parse(JSON.parse((await redis.get(`${prefix}chal:${unclaimed}`))!).context)).toEqual({ courseId: context.courseId });
    expect(await redis.ttl(`${prefix}chal:${unclaimed}`)).toBeGreaterThan(100);
    await expect(challenges.claim(unclaimed!, owner, 'sub-u')).resolves.toEqual({ result: 'claimed', context: { courseId: context.courseId } });
    // Only the reopened session's challenge is left in the list, for its own close.
    expect(await redis.smembers(`${prefix}chals:${owner.sessionId}`)).toEqual([afterReopen]);
    await expect(challenges.claim(claimed!, owner, 'sub-c')).resolves.toEqual({ result: 'claimed', context });
    await expect(challenges.claim(elsewhere!, other, 'sub-e')).resolves.toEqual({ result: 'claimed', context });
    await expect(challenges.claim(afterReopen!, owner, 'sub-r')).resolves.toEqual({ result: 'claimed', context });
  });

  it('records passkey uses arriving together in few statements: the counter only grows, the last use is the latest', async () => {
    const credentials = app.get(CredentialRepository);
    const ids = [`spec-a-${randomUUID()}`, `spec-b-${randomUUID()}`];
    for (const id of ids) {
      await credentials.insert({ id, userId: randomUUID(), publicKey: new Uint8Array([1, 2, 3]), counter: 5, transports: [], deviceName: 'Phone' });
    }
    const t0 = Date.parse('2030-01-01T09:00:00Z');
    // Out of order, and one lower than the stored counter: neither may move anything back.
    const uses = [9, 3, 12, 7, 11, 4].flatMap((counter, i) => ids.map((id, j) => ({ id, counter: counter + j, at: new Date(t0 + ((i * 7) % 5) * 1000) })));
    await Promise.all(uses.map((u) => credentials.recordUse(u.id, u.counter, u.at)));
    const [a, b] = await Promise.all(ids.map((id) => credentials.findById(id)));
    expect(a).toMatchObject({ counter: 12, lastUsedAt: new Date(t0 + 4000) });
    expect(b).toMatchObject({ counter: 13, lastUsedAt: new Date(t0 + 4000) });
    await credentials.recordUse(ids[0]!, 2, new Date(t0));
    await expect(credentials.findById(ids[0]!)).resolves.toMatchObject({ counter: 12, lastUsedAt: new Date(t0 + 4000) });
  });

  it('reads the passkey lists and passkeys of check-ins begun together in one query each, every caller getting only its own', async () => {
    const store = app.get(PostgresCredentialRepository);
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const owned = new Map<string, string[]>();
    for (const [i, userId] of users.entries()) {
      // The first user has two passkeys, the second one, the third none.
      const ids = Array.from({ length: 2 - i }, (_, k) => `spec-batch-${i}-${k}-${randomUUID()}`);
      for (const id of ids) await store.insert({ id, userId, publicKey: new Uint8Array([i]), counter: 0, transports: ['internal'], deviceName: `Phone ${i}` });
      owned.set(userId, ids);
    }
    const queries = jest.spyOn(app.get(DataSource), 'query');
    try {
      // The same user twice (once in upper case), and an id that is not a uuid (it must not fail the others' batch).
      const lists = await Promise.all([...users, users[0]!.toUpperCase(), 'not-a-uuid'].map((u) => store.listForCheckin(u)));
      expect(lists.map((l) => l.map((c) => c.id))).toEqual([owned.get(users[0]!), owned.get(users[1]!), [], owned.get(users[0]!), []]);
      expect(lists[0]![0]).toMatchObject({ userId: users[0], transports: ['internal'], status: 'approved', counter: 0 });
      const wanted = [owned.get(users[1]!)![0]!, 'spec-no-such-passkey', owned.get(users[0]!)![1]!];
      const found = await Promise.all(wanted.map((id) => store.findById(id)));
      expect(found.map((c) => c?.id ?? null)).toEqual([wanted[0], null, wanted[2]]);
      expect(found[0]).toMatchObject({ userId: users[1], deviceName: 'Phone 1' });
      // One statement for the five lists, one for the three passkeys.
      expect(queries).toHaveBeenCalledTimes(2);
    } finally {
      queries.mockRestore();
    }
  });

  it('tells a second instance over NATS to forget a passkey that was decided, used, removed or erased', async () => {
    const here = app.get(CredentialRepository);
    // Another instance: its own memory, its own NATS connection, the same Postgres.
    const otherCache = new CredentialCache(new NatsCredentialChangeBus(nc), new SystemClock());
    otherCache.onModuleInit();
    const there = new CachingCredentialRepository(app.get(PostgresCredentialRepository), otherCache);
    try {
      const userId = randomUUID();
      const [first, second] = [`spec-cache-1-${randomUUID()}`, `spec-cache-2-${randomUUID()}`];
      await here.insert({ id: first, userId, publicKey: new Uint8Array([1, 2, 3]), counter: 0, transports: [], deviceName: 'Phone' }, true);
      await here.insert({ id: second, userId, publicKey: new Uint8Array([4, 5, 6]), counter: 0, transports: [], deviceName: 'Laptop' }, true);
      await expect(there.findById(second)).resolves.toMatchObject({ status: 'pending' });
      await expect(there.listForCheckin(userId)).resolves.toHaveLength(2);
      await expect(there.findById(first)).resolves.toMatchObject({ counter: 0 });

      await here.decide(second, 'approved', randomUUID(), new Date());
      await waitFor(async () => (await there.findById(second))?.status === 'approved', 'the other instance to see the decision', 5_000);
      await here.recordUse(first, 4, new Date());
      await waitFor(async () => (await there.findById(first))?.counter === 4, 'the other instance to see the new counter', 5_000);
      await here.remove(first, userId);
      await waitFor(async () => (await there.findById(first)) === null, 'the other instance to forget the removed passkey', 5_000);
      expect((await there.listForCheckin(userId)).map((c) => c.id)).toEqual([second]);
      await app.get(VerificationPrivacyService).erase(userId);
      await waitFor(async () => (await there.listForCheckin(userId)).length === 0 && (await there.findById(second)) === null, 'the other instance to forget the erased person', 5_000);
    } finally {
      otherCache.onApplicationShutdown();
    }
  });

  it('stores a verdict once: the first one wins', async () => {
    const verdicts = app.get(VerdictRepository);
    const base = { submissionId: `spec-${randomUUID()}`, sessionId: randomUUID(), studentId: randomUUID(), at: new Date().toISOString() };
    const first = { ...base, outcome: 'rejected' as const, reason: ErrorCode.OUTSIDE_GEOFENCE, message: 'Too far.' };
    await expect(verdicts.saveIfAbsent(first)).resolves.toEqual(first);
    const second = { ...base, outcome: 'verified' as const, courseId: randomUUID(), distanceM: 1, accuracyM: 1, methods: ['passkey' as const] };
    await expect(verdicts.saveIfAbsent(second)).resolves.toEqual(first);
    await expect(verdicts.find(base.submissionId)).resolves.toEqual(first);
    expect(await redis.ttl(`${prefix}verdict:${base.submissionId}`)).toBeGreaterThan(86_000);
  });

  it('acks (drops) a malformed intake message instead of redelivering it', async () => {
    const ack = await jetstream(nc).publish(IntakeSubject, JSON.stringify({ submissionId: 'x', position: { latitude: 1 } }), { msgID: randomUUID() });
    const jsm = await jetstreamManager(nc);
    // A work-queue stream deletes a message once it is acked.
    const gone = async () => (await jsm.streams.getMessage(Streams.intake.name, { seq: ack.seq }).catch(() => null)) === null;
    const deadline = Date.now() + 10_000;
    while (!(await gone())) {
      if (Date.now() > deadline) throw new Error('the malformed message was never acked');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  it('binds a student’s first passkey; a later one waits, the binding outlives removal, and a decision is stored once (Postgres)', async () => {
    // identity-service, as far as approval needs it: the student attends no course, so only an admin decides.
    const identity = new RpcServer(nc, `spec-identity-${randomUUID()}`);
    identity.handle(Rpc.identityCoursesOf, async () => ({ courses: [] }));
    identity.handle(Rpc.identityUsers, async () => ({ users: [] }));
    const directoryEvents: CloudEvent[] = [];
    const sub = subscribeEvents(nc, 'directory.device.>', (e) => directoryEvents.push(e));
    try {
      const newcomer: Actor = { userId: randomUUID(), role: 'student' };
      const register = async (device: SoftAuthenticator) =>
        client.request(Rpc.passkeyRegister, {
          actor: newcomer,
          response: await device.createCredential(await client.request(Rpc.passkeyRegistrationOptions, { actor: newcomer }), { origin }),
          deviceName: 'Device',
        });
      const first = await register(new SoftAuthenticator());
      expect(first.status).toBe('approved');
      const second = await register(new SoftAuthenticator());
      expect(second.status).toBe('pending');
      await waitFor(() => directoryEvents.find((e) => e.type.endsWith('device.approval-requested.v1')), 'the approval request event');

      // Removing every passkey does not unbind the account.
      for (const id of [first.credentialId, second.credentialId]) {
        await expect(client.request(Rpc.passkeyRemove, { actor: newcomer, credentialId: id })).resolves.toEqual({ credentialId: id, removed: true });
      }
      await expect(client.request(Rpc.passkeyRemove, { actor: newcomer, credentialId: first.credentialId })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      const third = await register(new SoftAuthenticator());
      expect(third.status).toBe('pending');

      const admin: Actor = { userId: randomUUID(), role: 'admin' };
      const pending = await client.request(Rpc.devicesPending, { actor: admin });
      expect(pending.devices.filter((d) => d.studentId === newcomer.userId).map((d) => d.credentialId)).toEqual([third.credentialId]);
      const decided = await client.request(Rpc.deviceDecide, { actor: admin, credentialId: third.credentialId, decision: 'approved' });
      expect(decided).toMatchObject({ status: 'approved', decidedBy: admin.userId });
      await expect(client.request(Rpc.deviceDecide, { actor: admin, credentialId: third.credentialId, decision: 'denied' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      const { passkeys } = await client.request(Rpc.passkeyList, { actor: newcomer });
      expect(passkeys).toEqual([expect.objectContaining({ credentialId: third.credentialId, status: 'approved' })]);
      const event = await waitFor(() => directoryEvents.find((e) => e.type.endsWith('device.decided.v1')), 'the decision event');
      expect(event.data).toMatchObject({ credentialId: third.credentialId, decision: 'approved', changedBy: admin.userId, courseIds: [] });
    } finally {
      sub.unsubscribe();
      await identity.close();
    }
  });

  it('forgets a session’s cached flag key when it hears the session reopened over NATS, and reads the key Redis holds', async () => {
    const flags = app.get(FlagStateRepository);
    const sessionId = randomUUID();
    const cached = await flags.sessionKey(sessionId);
    // Another instance handled the close (the key deleted) and, after the reopening, made a new key.
    const renewed = Buffer.alloc(32, 7);
    await redis.set(`${prefix}flags:key:${sessionId}`, renewed.toString('base64'), 'EX', 600);
    expect(await flags.sessionKey(sessionId)).toEqual(cached);
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/session-service',
      type: `${EventTypePrefix}${EventSubjects.sessionReopened}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { sessionId, courseId: randomUUID(), reopenedAt: new Date().toISOString(), reopenedBy: randomUUID(), previousClosedAt: new Date().toISOString(), reopenCount: 1 },
    };
    nc.publish(EventSubjects.sessionReopened, JSON.stringify(event));
    await waitFor(async () => (await flags.sessionKey(sessionId)).equals(renewed) || undefined, 'the renewed key');
  });
});
