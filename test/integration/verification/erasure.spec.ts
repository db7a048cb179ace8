import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  ErrorCode,
  EventSubjects,
  IntakeSubject,
  Rpc,
  Streams,
  eventTypeOf,
  type Actor,
  type AuthenticationResponse,
  type CheckinContextReply,
  type CheckinSubmission,
  type CloudEvent,
  type RecordMarkRequest,
} from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { RpcClient, RpcServer, connectNats, subscriptionsRegistered, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { SoftAuthenticator, waitFor } from '@classconnect/testing';
import { AppModule } from '../../../apps/verification-service/src/app.module.js';
import { VerificationEnv } from '../../../apps/verification-service/src/config.js';
import { FlagStateRepository } from '../../../apps/verification-service/src/flags/flag-state.repository.js';
import { migrateVerification } from '../../../apps/verification-service/src/infrastructure/verification-database.js';
import { CredentialRepository } from '../../../apps/verification-service/src/passkeys/credential.repository.js';
import { AccountErasedConsumerName } from '../../../apps/verification-service/src/privacy/account-erased.consumer.js';

/**
 * A person's data in verification-service, against the real Redis, Postgres (a throw-away database
 * of this spec's own) and NATS: the export of their passkeys, and their erasure when
 * `directory.account.erased.v1` arrives. Every Redis key carries this run's prefix.
 */
const prefix = `test-verification-privacy-${randomUUID().slice(0, 8)}:`;
const databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
databaseUrl.pathname = '/classconnect_it_verification_privacy';
const config = loadConfig(VerificationEnv, {
  ...process.env,
  DATABASE_URL: databaseUrl.toString(),
  REDIS_KEY_PREFIX: prefix,
  WEBAUTHN_RP_ID: 'localhost',
  WEBAUTHN_ORIGINS: 'http://localhost:3000',
});
const origin = 'http://localhost:3000';
const fence = { latitude: 45.764, longitude: 4.8357, radiusM: 80 };

jest.setTimeout(60_000);

describe('verification-service: a person’s data, exported and erased', () => {
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let redis: Redis;
  let db: pg.Client;
  let client: RpcClient;
  let sessionServer: RpcServer;
  const marks: RecordMarkRequest[] = [];
  const verdicts: CloudEvent[] = [];

  // Ada is erased; Bea, in the same class, is not.
  const ada: Actor = { userId: randomUUID(), role: 'student' };
  const bea: Actor = { userId: randomUUID(), role: 'student' };
  const admin: Actor = { userId: randomUUID(), role: 'admin' };
  const adaPhone = new SoftAuthenticator();
  const adaLaptop = new SoftAuthenticator();
  const beaPhone = new SoftAuthenticator();
  const sessionId = randomUUID();
  const courseId = randomUUID();

  async function register(actor: Actor, device: SoftAuthenticator, deviceName: string) {
    const options = await client.request(Rpc.passkeyRegistrationOptions, { actor });
    return client.request(Rpc.passkeyRegister, { actor, response: await device.createCredential(options, { origin }), deviceName });
  }

  /** Publishes the erasure as identity-service does, and waits until the service has acked it. */
  async function publishErasure(userId: string): Promise<void> {
    const id = `spec-account.erased:${randomUUID()}`;
    const event = {
      specversion: '1.0',
      id,
      source: '/classconnect/spec',
      type: eventTypeOf(EventSubjects.accountErased),
      subject: userId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { userId, attendance: 'pseudonymised', erasedBy: admin.userId, erasedAt: new Date().toISOString() },
    };
    const ack = await jetstream(nc).publish(EventSubjects.accountErased, JSON.stringify(event), { msgID: id });
    const jsm = await jetstreamManager(nc);
    await waitFor(
      async () => (await jsm.consumers.info(Streams.directory.name, AccountErasedConsumerName)).ack_floor.stream_seq >= ack.seq,
      'the erasure to be acked',
      20_000,
    );
  }

  const rowsOf = async (userId: string) => ({
    credentials: (await db.query('SELECT id FROM verification.credentials WHERE user_id = $1 ORDER BY id', [userId])).rows.map((r: { id: string }) => r.id),
    bindings: (await db.query('SELECT count(*)::int AS n FROM verification.device_bindings WHERE user_id = $1', [userId])).rows[0].n as number,
  });
  const keysOf = async (userId: string) => (await redis.keys(`${prefix}*${userId}*`)).sort();

  beforeAll(async () => {
    await migrateVerification(config.DATABASE_URL);
    db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    nc = await connectNats(config.NATS_URL, 'verification-privacy-spec');
    redis = new Redis(config.REDIS_URL);
    client = new RpcClient(nc, 5_000);
    // session-service, as far as issuing a challenge needs it: one open session both students attend.
    sessionServer = new RpcServer(nc, `spec-session-${randomUUID()}`);
    sessionServer.handle(Rpc.sessionCheckinContext, async (req): Promise<CheckinContextReply> => ({
      sessionId: req.sessionId,
      courseId,
      status: 'open',
      enrolled: true,
      alreadyPresent: false,
      fence,
    }));
    sessionServer.handle(Rpc.sessionRecordMark, async (req) => {
      marks.push(req);
      return { result: 'refused', reason: 'SESSION_NOT_OPEN' };
    });
    subscribeEvents(nc, 'attendance.checkin.>', (e) => verdicts.push(e));
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    await app.init();
    await subscriptionsRegistered(app);
  });

  afterAll(async () => {
    await app?.close();
    await sessionServer?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await db?.end();
    await nc?.drain();
  });

  let adaPasskeys: string[] = [];

  it('exports a person’s passkeys and device binding, without keys or counters, to them or an admin only', async () => {
    const phone = await register(ada, adaPhone, 'Ada’s phone');
    const laptop = await register(ada, adaLaptop, 'Ada’s laptop');
    await register(bea, beaPhone, 'Bea’s phone');
    adaPasskeys = [phone.credentialId, laptop.credentialId];

    const own = await client.request(Rpc.verificationPersonData, { actor: ada, userId: ada.userId });
    expect(own.passkeys).toEqual([
      { id: phone.credentialId, deviceName: 'Ada’s phone', status: 'approved', createdAt: expect.any(String), lastUsedAt: null, decidedAt: null },
      // A student's second device waits for a teacher (the default policy).
      { id: laptop.credentialId, deviceName: 'Ada’s laptop', status: 'pending', createdAt: expect.any(String), lastUsedAt: null, decidedAt: null },
    ]);
    expect(Date.parse(own.deviceBoundAt!)).toBeLessThanOrEqual(Date.parse(own.passkeys[0]!.createdAt));
    expect(Date.now() - Date.parse(own.deviceBoundAt!)).toBeLessThan(60_000);
    const text = JSON.stringify(own);
    expect(text).not.toMatch(/publicKey|public_key|counter|transports/i);
    const { rows } = await db.query('SELECT encode(public_key, $2) AS key FROM verification.credentials WHERE id = $1', [phone.credentialId, 'base64']);
    expect(text).not.toContain(Buffer.from(rows[0].key, 'base64').toString('base64url').slice(0, 24));

    await expect(client.request(Rpc.verificationPersonData, { actor: admin, userId: ada.userId })).resolves.toEqual(own);
    await expect(client.request(Rpc.verificationPersonData, { actor: bea, userId: ada.userId })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(client.request(Rpc.verificationPersonData, { actor: { userId: randomUUID(), role: 'teacher' }, userId: ada.userId })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
  });

  it('erases the person’s passkeys, device binding and Redis keys on account.erased, and leaves everyone else’s', async () => {
    // What the service keeps in Redis under each student's id: a registration left half-way and the last check-in (flags).
    const flags = app.get(FlagStateRepository);
    for (const who of [ada, bea]) {
      await client.request(Rpc.passkeyRegistrationOptions, { actor: who });
      await flags.recordStop(who.userId, { sessionId: randomUUID(), courseId, submissionId: randomUUID(), at: Date.now() });
    }
    // A check-in Ada began before she was erased, to be submitted after.
    const { options } = await client.request(Rpc.checkinChallenge, { actor: ada, sessionId });
    const inFlight = await adaPhone.getAssertion(options, { origin });

    expect(await keysOf(ada.userId)).toEqual([`${prefix}flags:last:${ada.userId}`, `${prefix}regchal:${ada.userId}`]);
    const beaBefore = { rows: await rowsOf(bea.userId), keys: await keysOf(bea.userId) };
    expect(beaBefore.rows).toEqual({ credentials: [beaPhone.credentialIds[0]], bindings: 1 });
    expect(beaBefore.keys).toHaveLength(2);

    await publishErasure(ada.userId);
    expect(await rowsOf(ada.userId)).toEqual({ credentials: [], bindings: 0 });
    expect(await keysOf(ada.userId)).toEqual([]);
    expect({ rows: await rowsOf(bea.userId), keys: await keysOf(bea.userId) }).toEqual(beaBefore);
    await expect(client.request(Rpc.verificationPersonData, { actor: admin, userId: ada.userId })).resolves.toEqual({ passkeys: [], deviceBoundAt: null });

    // The check-in in flight is refused, not crashed on: its passkey is no longer known.
    const submissionId = randomUUID().replaceAll('-', '').slice(0, 22);
    await submitCheckin(ada, submissionId, inFlight);
    const verdict = await waitFor(() => verdicts.find((e) => (e.data as { submissionId?: string }).submissionId === submissionId && e.type.endsWith('.v1')), 'the verdict');
    expect(verdict).toMatchObject({ type: 'edu.classconnect.attendance.checkin.rejected.v1', data: { reason: ErrorCode.UNKNOWN_CREDENTIAL } });
    expect(marks).toEqual([]);
    // A use recorded for a passkey erased while its check-in was being decided changes nothing and brings nothing back.
    const credentials = app.get(CredentialRepository);
    await expect(credentials.recordUse(adaPasskeys[0]!, 7, new Date())).resolves.toBeUndefined();
    await expect(credentials.findById(adaPasskeys[0]!)).resolves.toBeNull();
    // And Ada cannot begin another check-in.
    await expect(client.request(Rpc.checkinChallenge, { actor: ada, sessionId })).rejects.toMatchObject({ code: ErrorCode.NO_PASSKEY });
  });

  it('does nothing more when the erasure arrives again', async () => {
    const beaBefore = { rows: await rowsOf(bea.userId), keys: await keysOf(bea.userId) };
    await publishErasure(ada.userId);
    expect(await rowsOf(ada.userId)).toEqual({ credentials: [], bindings: 0 });
    expect(await keysOf(ada.userId)).toEqual([]);
    expect({ rows: await rowsOf(bea.userId), keys: await keysOf(bea.userId) }).toEqual(beaBefore);
    await expect(client.request(Rpc.verificationPersonData, { actor: bea, userId: bea.userId })).resolves.toMatchObject({
      passkeys: [expect.objectContaining({ id: beaPhone.credentialIds[0], deviceName: 'Bea’s phone', status: 'approved' })],
      deviceBoundAt: expect.any(String),
    });
  });

  async function submitCheckin(student: Actor, submissionId: string, assertion: AuthenticationResponse): Promise<void> {
    const submission: CheckinSubmission = {
      submissionId,
      sessionId,
      studentId: student.userId,
      assertion,
      position: { latitude: fence.latitude, longitude: fence.longitude, accuracy: 10 },
      submittedAt: new Date().toISOString(),
    };
    await jetstream(nc).publish(IntakeSubject, JSON.stringify(submission), { msgID: submissionId });
  }
});
