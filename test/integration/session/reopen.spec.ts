import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DomainError, ErrorCode, EventSubjects, Rpc, type Actor, type CloudEvent, type CourseReply, type RosterReply } from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { RpcClient, RpcServer, connectNats, subscriptionsRegistered, sleep, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { waitFor } from '@classconnect/testing';
import { AppModule } from '../../../apps/session-service/src/app.module.js';
import { SessionEnv } from '../../../apps/session-service/src/config.js';

/**
 * Reopening a stopped session, against the real Redis and NATS, with session-service restarted
 * between Stop and the reopening (everything it needs is in Redis), and a short reopen window so
 * its end is reached in the spec.
 */
const prefix = `test-reopen-${randomUUID().slice(0, 8)}:`;
const WindowSeconds = 3;
const config = loadConfig(SessionEnv, { ...process.env, REDIS_KEY_PREFIX: prefix, REOPEN_WINDOW_SECONDS: String(WindowSeconds) });

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const otherTeacher: Actor = { userId: randomUUID(), role: 'teacher' };
const courseId = randomUUID();
const students = ['Ada', 'Ben', 'Cleo'].map((n) => ({ id: randomUUID(), name: `${n} Reopen`, email: `${n.toLowerCase()}@uni.test` }));
const [ada, ben, cleo] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];
const position = { latitude: 45.764, longitude: 4.8357, accuracy: 12 };

function serveFakeIdentity(nc: NatsConnection): RpcServer {
  const course: CourseReply = { id: courseId, code: 'GEO140', title: 'Maps', teacherIds: [teacher.userId] };
  const server = new RpcServer(nc, `spec-identity-${randomUUID()}`);
  server.handle(Rpc.identityCourse, async ({ courseId: id }) => {
    if (id !== courseId) throw new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
    return course;
  });
  server.handle(Rpc.identityRoster, async ({ courseId: id }): Promise<RosterReply> => ({ courseId: id, students: id === courseId ? students : [] }));
  server.handle(Rpc.identityCoursesOf, async () => ({ courses: [] }));
  return server;
}

describe('reopening a stopped session (session-service, real Redis and NATS)', () => {
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let redis: Redis;
  let identity: RpcServer;
  let client: RpcClient;
  let sessionId: string;
  const events: CloudEvent[] = [];
  const eventsOf = (subject: string) => events.filter((e) => e.type === `edu.classconnect.${subject}` && (e.data as { sessionId: string }).sessionId === sessionId);
  const startApp = async () => {
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
    await app.init();
    await subscriptionsRegistered(app);
  };
  const mark = (studentId: string) =>
    client.request(Rpc.sessionRecordMark, {
      sessionId,
      studentId,
      submissionId: randomUUID(),
      distanceM: 9,
      accuracyM: 12,
      methods: ['passkey', 'geofence'],
      verifiedAt: new Date().toISOString(),
    });
  const key = (suffix: string) => `${prefix}session:${sessionId}${suffix}`;

  beforeAll(async () => {
    nc = await connectNats(config.NATS_URL, 'reopen-spec');
    redis = new Redis(config.REDIS_URL);
    identity = serveFakeIdentity(nc);
    client = new RpcClient(nc, 10_000);
    subscribeEvents(nc, 'attendance.session.>', (e) => events.push(e));
    await nc.flush();
    await startApp();
  });

  afterAll(async () => {
    await app?.close();
    await identity?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    await nc?.drain();
  });

  it('keeps what a reopening needs for the window only, and survives a restart of session-service between Stop and reopen', async () => {
    sessionId = (await client.request(Rpc.sessionStart, { actor: teacher, courseId, position, radiusM: 60, qr: { mode: 'offered', stepSeconds: 10 } })).sessionId;
    await expect(mark(ada.id)).resolves.toMatchObject({ result: 'recorded' });
    const stopped = await client.request(Rpc.sessionStop, { actor: teacher, sessionId });
    expect(stopped).toMatchObject({ status: 'closed', presentCount: 1 });
    expect(Date.parse(stopped.reopenableUntil!) - Date.parse(stopped.closedAt!)).toBe(WindowSeconds * 1000);
    // The closed session no longer holds the fence's centre or the QR secret; the reopen key keeps the
    // QR secret (never a coordinate: the centre comes again with the reopening) and expires with the window.
    expect(await redis.hmget(key(''), 'latitude', 'qrSecret')).toEqual([null, null]);
    expect(await redis.hmget(key(':reopen'), 'latitude', 'longitude')).toEqual([null, null]);
    expect(await redis.hexists(key(':reopen'), 'qrSecret')).toBe(1);
    const ttl = await redis.ttl(key(':reopen'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WindowSeconds);

    await app.close();
    await startApp();

    await expect(client.request(Rpc.sessionReopen, { actor: otherTeacher, sessionId })).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    await expect(client.request(Rpc.sessionReopen, { actor: { userId: ben.id, role: 'student' }, sessionId })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    // Without a position (the session was not started from a room) there is no place for the fence.
    const placeless = client.request(Rpc.sessionReopen, { actor: teacher, sessionId });
    await expect(placeless).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    await expect(placeless).rejects.toThrow('its place is not kept after Stop');
    const here = { latitude: position.latitude + 0.0001, longitude: position.longitude, accuracy: 8 };
    const view = await client.request(Rpc.sessionReopen, { actor: teacher, sessionId, position: here });
    expect(view).toMatchObject({ status: 'open', presentCount: 1, reopenCount: 1, qr: { mode: 'offered', stepSeconds: 10 } });
    expect(view).not.toHaveProperty('closedAt');
    expect(JSON.stringify(view)).not.toMatch(/latitude|longitude/);

    const reopened = await waitFor(() => eventsOf(EventSubjects.sessionReopened)[0], 'the reopened event');
    expect(reopened.id).toBe(`session.reopened:${sessionId}:1`);
    expect(reopened.data).toMatchObject({ sessionId, courseId, reopenedBy: teacher.userId, previousClosedAt: stopped.closedAt, reopenCount: 1 });
    // Open again as before Stop: no expiry, the course taken, the fence and the QR code back, the reopen key gone.
    expect(await redis.ttl(key(''))).toBe(-1);
    expect(await redis.ttl(key(':present'))).toBe(-1);
    expect(await redis.get(`${prefix}course:${courseId}:open`)).toBe(sessionId);
    expect(await redis.exists(key(':reopen'))).toBe(0);
    await expect(client.request(Rpc.sessionCheckinContext, { sessionId, studentId: ben.id })).resolves.toMatchObject({
      status: 'open',
      enrolled: true,
      fence: { latitude: here.latitude, longitude: here.longitude, radiusM: 60 },
    });
    await expect(client.request(Rpc.sessionQr, { actor: teacher, sessionId })).resolves.toMatchObject({ mode: 'offered' });
    await expect(client.request(Rpc.sessionStart, { actor: teacher, courseId, position })).rejects.toMatchObject({ code: ErrorCode.SESSION_ALREADY_OPEN });
  }, 60_000);

  it('lets students check in after the reopening, each at most once, and closes again under a dedup key of its own', async () => {
    await expect(mark(ada.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.ALREADY_CHECKED_IN });
    await expect(mark(ben.id)).resolves.toMatchObject({ result: 'recorded' });
    await expect(client.request(Rpc.sessionReopen, { actor: teacher, sessionId, position })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_STOPPED });
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId });
    const closes = await waitFor(() => (eventsOf(EventSubjects.sessionClosed).length >= 2 ? eventsOf(EventSubjects.sessionClosed) : undefined), 'the second close');
    expect(closes.map((e) => e.id)).toEqual([`session.closed:${sessionId}`, `session.closed:${sessionId}:r1`]);
    expect(((closes[1]!.data as { presentStudentIds: string[] }).presentStudentIds).sort()).toEqual([ada.id, ben.id].sort());
    expect(eventsOf(EventSubjects.sessionClosedV2).map((e) => e.id)).toEqual([`session.closed.v2:${sessionId}`, `session.closed.v2:${sessionId}:r1`]);
  }, 30_000);

  it('refuses past the window with REOPEN_WINDOW_PASSED and changes nothing', async () => {
    await sleep(WindowSeconds * 1000 + 200);
    const late = client.request(Rpc.sessionReopen, { actor: teacher, sessionId, position });
    await expect(late).rejects.toMatchObject({ code: ErrorCode.REOPEN_WINDOW_PASSED });
    await expect(late).rejects.toThrow(`more than ${WindowSeconds} seconds ago`);
    expect(await redis.exists(key(':reopen'))).toBe(0);
    expect(await redis.hget(key(''), 'status')).toBe('closed');
    expect(await redis.get(`${prefix}course:${courseId}:open`)).toBeNull();
    await expect(mark(cleo.id)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    // One reopening (a retry that found it open published it again under the same id, which the stream drops).
    expect(new Set(eventsOf(EventSubjects.sessionReopened).map((e) => e.id))).toEqual(new Set([`session.reopened:${sessionId}:1`]));
  }, 30_000);
});
