import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  Rpc,
  SystemActorId,
  type Actor,
  type CloudEvent,
  type CourseReply,
  type CourseSummary,
  type RecordMarkReply,
  type RosterReply,
} from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { RpcClient, RpcServer, connectNats, subscriptionsRegistered, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { AppModule } from '../../../apps/session-service/src/app.module.js';
import { SessionEnv } from '../../../apps/session-service/src/config.js';
import { waitFor } from '@classconnect/testing';

/**
 * session-service started in-process against the real Redis and NATS, with a fake identity-service
 * answering on NATS. Every id is a fresh uuid and every Redis key carries this run's own prefix.
 */
const env = { ...process.env, REDIS_KEY_PREFIX: `test-session-${randomUUID().slice(0, 8)}:`, SESSION_SWEEP_INTERVAL_MS: '200' };
const config = loadConfig(SessionEnv, env);

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const otherTeacher: Actor = { userId: randomUUID(), role: 'teacher' };
const courseId = randomUUID();
const students = Array.from({ length: 100 }, (_, i) => ({
  id: randomUUID(),
  name: `Student ${String(i).padStart(3, '0')}`,
  email: `s${i}@uni.test`,
}));
const bigCourseId = randomUUID();
const bigRoster = Array.from({ length: 2_501 }, (_, i) => ({ id: randomUUID(), name: `Big ${String(i).padStart(4, '0')}`, email: `b${i}@uni.test` }));
const position = { latitude: 45.764, longitude: 4.8357, accuracy: 12 };
/** A small course for the late, window and automatic-close specs. */
const rulesCourseId = randomUUID();
const rulesRoster = students.slice(0, 3);

function serveFakeIdentity(nc: NatsConnection): RpcServer {
  const courses = new Map<string, CourseReply>([
    [courseId, { id: courseId, code: 'PHY201', title: 'Waves', teacherIds: [teacher.userId] }],
    [bigCourseId, { id: bigCourseId, code: 'ECO100', title: 'Economics for everyone', teacherIds: [teacher.userId] }],
    [rulesCourseId, { id: rulesCourseId, code: 'LAW300', title: 'Rules', teacherIds: [teacher.userId] }],
  ]);
  const server = new RpcServer(nc, `spec-identity-${randomUUID()}`);
  server.handle(Rpc.identityCourse, async ({ courseId: id }) => {
    const course = courses.get(id);
    if (!course) throw new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
    return course;
  });
  server.handle(Rpc.identityRoster, async ({ courseId: id }): Promise<RosterReply> => ({ courseId: id, students: id === courseId ? students : id === bigCourseId ? bigRoster : id === rulesCourseId ? rulesRoster : [] }));
  server.handle(Rpc.identityCoursesOf, async ({ userId }) => {
    const mine: CourseSummary[] = [];
    if (userId === teacher.userId) mine.push({ id: courseId, code: 'PHY201', title: 'Waves', relation: 'teacher' });
    if (students.some((s) => s.id === userId)) mine.push({ id: courseId, code: 'PHY201', title: 'Waves', relation: 'student' });
    return { courses: mine };
  });
  return server;
}

/** Requests go to whichever instance of the queue group answers: another session-service on this NATS would take some. */
async function assertNoOtherSessionService(nc: NatsConnection): Promise<void> {
  const probe = new RpcClient(nc, 300);
  const answered = await probe.request(Rpc.sessionCheckinContext, { sessionId: randomUUID(), studentId: randomUUID() }).then(
    () => true,
    (err: unknown) => (err as DomainError).code !== ErrorCode.SERVICE_UNAVAILABLE,
  );
  if (answered) throw new Error(`Something already serves session commands on ${config.NATS_URL}; stop it, or point NATS_URL at a private server.`);
}


describe('session-service against real Redis and NATS', () => {
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let redis: Redis;
  let identity: RpcServer;
  let client: RpcClient;
  const events: CloudEvent[] = [];
  let sessionId: string;
  let rulesSessionId: string;

  const eventFor = (type: string, id: string) => () =>
    events.find((e) => e.type === `edu.classconnect.${type}` && (e.data as { sessionId?: string }).sessionId === id);
  const recordMark = (studentId: string, submissionId: string) =>
    client.request(Rpc.sessionRecordMark, {
      sessionId,
      studentId,
      submissionId,
      distanceM: 7,
      accuracyM: 12,
      methods: ['passkey', 'geofence'],
      verifiedAt: new Date().toISOString(),
    });

  beforeAll(async () => {
    nc = await connectNats(config.NATS_URL, 'session-service-spec');
    await assertNoOtherSessionService(nc);
    redis = new Redis(config.REDIS_URL);
    identity = serveFakeIdentity(nc);
    client = new RpcClient(nc, 10_000);
    subscribeEvents(nc, 'attendance.session.>', (e) => events.push(e));
    subscribeEvents(nc, 'attendance.mark.>', (e) => events.push(e));
    await nc.flush();
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
    await app.init();
    await subscriptionsRegistered(app);
  });

  afterAll(async () => {
    await app?.close();
    await identity?.close();
    if (redis) {
      const keys = await redis.keys(`${config.REDIS_KEY_PREFIX}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    await nc?.drain();
  });

  it('starts a session and publishes the opened event', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId, position, radiusM: 80 });
    sessionId = view.sessionId;
    expect(view).toMatchObject({ courseId, courseCode: 'PHY201', status: 'open', radiusM: 80, enrolledCount: 100, presentCount: 0 });
    expect(JSON.stringify(view)).not.toMatch(/latitude|longitude/);
    const opened = await waitFor(eventFor(EventSubjects.sessionOpened, sessionId), 'the opened event');
    expect(opened.id).toBe(`session.opened:${sessionId}`);
    expect(opened.subject).toBe(sessionId);
    expect((opened.data as { enrolledStudentIds: string[] }).enrolledStudentIds.sort()).toEqual(students.map((s) => s.id).sort());
    expect(await redis.get(`${config.REDIS_KEY_PREFIX}course:${courseId}:open`)).toBe(sessionId);
  });

  it('refuses a second start for the same course with SESSION_ALREADY_OPEN', async () => {
    const again = client.request(Rpc.sessionStart, { actor: teacher, courseId, position });
    await expect(again).rejects.toMatchObject({ code: ErrorCode.SESSION_ALREADY_OPEN });
    await expect(again).rejects.toThrow(sessionId);
  });

  it('refuses a student starting a session with FORBIDDEN', async () => {
    await expect(
      client.request(Rpc.sessionStart, { actor: { userId: students[0]!.id, role: 'student' }, courseId, position }),
    ).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  it('gives the check-in context, fence included, to verification', async () => {
    await expect(client.request(Rpc.sessionCheckinContext, { sessionId, studentId: students[0]!.id })).resolves.toEqual({
      sessionId,
      courseId,
      status: 'open',
      enrolled: true,
      alreadyPresent: false,
      fence: { latitude: 45.764, longitude: 4.8357, radiusM: 80 },
      checkinClosesAt: expect.any(String),
    });
  });

  it('marks each of 100 students exactly once under 200 concurrent record-mark calls', async () => {
    const calls = students.flatMap((s) => [recordMark(s.id, `a-${s.id}`), recordMark(s.id, `b-${s.id}`)]);
    const replies: RecordMarkReply[] = await Promise.all(calls);
    const recorded = (r: RecordMarkReply) => r.result === 'recorded';
    expect(replies.filter(recorded)).toHaveLength(100);
    expect(replies.filter((r) => r.result === 'refused' && r.reason === ErrorCode.ALREADY_CHECKED_IN)).toHaveLength(100);
    for (let i = 0; i < students.length; i++) {
      expect([replies[2 * i]!, replies[2 * i + 1]!].filter(recorded)).toHaveLength(1);
    }
    // A retry of the submission that won is still answered recorded.
    const winner = recorded(replies[0]!) ? `a-${students[0]!.id}` : `b-${students[0]!.id}`;
    await expect(recordMark(students[0]!.id, winner)).resolves.toEqual({ result: 'recorded', status: 'present', methods: ['passkey', 'geofence'] });
    // Each check-in is published as mark.recorded v2 (with its status) and v1.
    const v2 = await waitFor(eventFor(EventSubjects.markRecordedV2, sessionId), 'a mark.recorded.v2 event');
    expect(v2.id).toMatch(new RegExp(`^mark\\.v2:${sessionId}:`));
    expect(v2.data).toMatchObject({ status: 'present', source: 'checkin' });
  });

  it('shows the teacher the live roster, and an enrolled student the view only', async () => {
    const detail = await client.request(Rpc.sessionGet, { actor: teacher, sessionId });
    expect(detail.presentCount).toBe(100);
    expect(detail.roster).toHaveLength(100);
    expect(detail.roster!.every((r) => r.state === 'present' && r.distanceM === 7)).toBe(true);
    expect(detail.roster!.map((r) => r.name)).toEqual(students.map((s) => s.name));
    const asStudent = await client.request(Rpc.sessionGet, { actor: { userId: students[1]!.id, role: 'student' }, sessionId });
    expect(asStudent.roster).toBeUndefined();
    const active = await client.request(Rpc.sessionActive, { actor: { userId: students[1]!.id, role: 'student' } });
    expect(active.sessions.map((s) => s.sessionId)).toEqual([sessionId]);
  });

  it('refuses a teacher of another course stopping the session with NOT_COURSE_TEACHER', async () => {
    await expect(client.request(Rpc.sessionStop, { actor: otherTeacher, sessionId })).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
  });

  it('stops the session and publishes the closed event listing the 100 present', async () => {
    const view = await client.request(Rpc.sessionStop, { actor: teacher, sessionId });
    expect(view).toMatchObject({ status: 'closed', presentCount: 100 });
    const closed = await waitFor(eventFor(EventSubjects.sessionClosed, sessionId), 'the closed event');
    expect(closed.id).toBe(`session.closed:${sessionId}`);
    expect((closed.data as { presentStudentIds: string[] }).presentStudentIds.sort()).toEqual(students.map((s) => s.id).sort());
    expect(await redis.exists(`${config.REDIS_KEY_PREFIX}course:${courseId}:open`)).toBe(0);
    const ttl = await redis.ttl(`${config.REDIS_KEY_PREFIX}session:${sessionId}`);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    // The teacher's position is dropped at close; the radius stays for the record.
    expect(await redis.hmget(`${config.REDIS_KEY_PREFIX}session:${sessionId}`, 'latitude', 'longitude', 'radiusM')).toEqual([null, null, '80']);
  });

  it('refuses a mark after stop with SESSION_NOT_OPEN, and a second stop likewise', async () => {
    await expect(recordMark(students[5]!.id, `c-${randomUUID()}`)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    await expect(client.request(Rpc.sessionStop, { actor: teacher, sessionId })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_OPEN });
    const active = await client.request(Rpc.sessionActive, { actor: teacher });
    expect(active.sessions).toEqual([]);
  });

  it('lets the teacher change a mark after stop, numbering each change and keeping it only as long as the session', async () => {
    const student = students[7]!.id;
    const first = await client.request(Rpc.sessionMark, { actor: teacher, sessionId, studentId: student, status: 'excused', reason: 'Jury duty' });
    expect(first).toMatchObject({ status: 'excused', previousStatus: 'present', sequence: 1, changedBy: teacher.userId });
    const second = await client.request(Rpc.sessionMark, { actor: teacher, sessionId, studentId: student, status: 'absent', reason: 'No proof of jury duty' });
    expect(second).toMatchObject({ status: 'absent', previousStatus: 'excused', sequence: 2 });
    const changes = await waitFor(() => {
      const found = events.filter((e) => e.type === `edu.classconnect.${EventSubjects.markChanged}` && (e.data as { studentId: string }).studentId === student);
      return found.length === 2 ? found : undefined;
    }, 'both change events');
    expect(changes.map((e) => e.id).sort()).toEqual([`mark.changed:${sessionId}:${student}:1`, `mark.changed:${sessionId}:${student}:2`]);
    expect(changes.find((e) => e.id.endsWith(':2'))!.data).toMatchObject({ courseId, reason: 'No proof of jury duty', previousStatus: 'excused' });
    const ttl = await redis.ttl(`${config.REDIS_KEY_PREFIX}session:${sessionId}:overrides`);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    const entry = (await client.request(Rpc.sessionGet, { actor: teacher, sessionId })).roster!.find((r) => r.studentId === student);
    expect(entry).toMatchObject({ state: 'present', distanceM: 7, status: 'absent', override: { status: 'absent', reason: 'No proof of jury duty', by: teacher.userId } });
  });

  it('refuses a manual mark from a student, another course’s teacher, or for someone not enrolled', async () => {
    const mark = (actor: Actor, studentId: string) => client.request(Rpc.sessionMark, { actor, sessionId, studentId, status: 'present', reason: 'x' });
    await expect(mark({ userId: students[0]!.id, role: 'student' }, students[0]!.id)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(mark(otherTeacher, students[0]!.id)).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    await expect(mark(teacher, randomUUID())).rejects.toMatchObject({ code: ErrorCode.NOT_ENROLLED });
    await expect(client.request(Rpc.sessionMark, { actor: teacher, sessionId, studentId: students[0]!.id, status: 'gone', reason: '' } as never)).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
    });
  });

  it('marks a check-in late after the threshold and refuses check-ins verified after the window', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: rulesCourseId, position, lateAfterMinutes: 0, windowMinutes: 1 });
    rulesSessionId = view.sessionId;
    expect(Date.parse(view.checkinClosesAt!) - Date.parse(view.openedAt)).toBe(60_000);
    const mark = (studentId: string, verifiedAt: Date) =>
      client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId,
        submissionId: `w-${studentId}`,
        distanceM: 3,
        accuracyM: 5,
        methods: ['passkey', 'geofence'],
        verifiedAt: verifiedAt.toISOString(),
      });
    const openedAt = Date.parse(view.openedAt);
    await expect(mark(rulesRoster[0]!.id, new Date(openedAt + 1))).resolves.toMatchObject({ result: 'recorded', status: 'late' });
    // The window's end itself still counts; a millisecond after it does not.
    await expect(mark(rulesRoster[1]!.id, new Date(openedAt + 60_001))).resolves.toEqual({ result: 'refused', reason: ErrorCode.CHECKIN_WINDOW_CLOSED });
    await expect(
      client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId: rulesRoster[1]!.id,
        submissionId: 'w-edge',
        distanceM: 3,
        accuracyM: 5,
        methods: ['passkey', 'geofence'],
        verifiedAt: new Date(openedAt + 60_000).toISOString(),
        checkOnly: true,
      }),
    ).resolves.toEqual({ result: 'allowed' });
    // The window passing (moved into the past here rather than waited for) shows in the check-in context.
    await redis.hset(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}`, 'checkinClosesAt', new Date(Date.now() - 1_000).toISOString());
    await expect(client.request(Rpc.sessionCheckinContext, { sessionId: view.sessionId, studentId: rulesRoster[2]!.id })).resolves.toMatchObject({
      status: 'open',
      windowClosed: true,
    });
  });

  it('closes a session past its maximum length by itself, as the system', async () => {
    const view = await client.request(Rpc.sessionGet, { actor: teacher, sessionId: rulesSessionId });
    const schedule = `${config.REDIS_KEY_PREFIX}sessions:autoclose`;
    expect(Number(await redis.zscore(schedule, view.sessionId))).toBe(Date.parse(view.autoCloseAt!));
    await redis.zadd(schedule, 0, view.sessionId); // as if its maximum length had passed
    const closed = await waitFor(eventFor(EventSubjects.sessionClosed, view.sessionId), 'the automatic close');
    expect(closed.data).toMatchObject({ closedBy: SystemActorId, closeReason: 'max-length', presentStudentIds: [rulesRoster[0]!.id] });
    expect(await redis.zscore(schedule, view.sessionId)).toBeNull();
    await expect(client.request(Rpc.sessionGet, { actor: teacher, sessionId: view.sessionId })).resolves.toMatchObject({ status: 'closed' });
    expect(await redis.exists(`${config.REDIS_KEY_PREFIX}course:${rulesCourseId}:open`)).toBe(0);
  });

  it('snapshots a roster of thousands of students in one start', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: bigCourseId, position });
    expect(view.enrolledCount).toBe(2_501);
    const last = bigRoster.at(-1)!;
    await expect(client.request(Rpc.sessionCheckinContext, { sessionId: view.sessionId, studentId: last.id })).resolves.toMatchObject({ enrolled: true });
    const detail = await client.request(Rpc.sessionGet, { actor: teacher, sessionId: view.sessionId });
    expect(detail.roster?.map((r) => r.name)).toEqual(bigRoster.map((s) => s.name));
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId: view.sessionId });
  });

  it('closes a session Redis lost (state-lost), written back from the stream with its marks, and frees the course', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: bigCourseId, position });
    const marked = bigRoster.slice(0, 3);
    for (const s of marked) {
      await client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId: s.id,
        submissionId: `lost-${s.id}`,
        distanceM: 5,
        accuracyM: 10,
        methods: ['passkey', 'geofence'],
        verifiedAt: new Date().toISOString(),
      });
    }
    await client.request(Rpc.sessionMark, { actor: teacher, sessionId: view.sessionId, studentId: bigRoster[3]!.id, status: 'excused', reason: 'Sick note' });
    await waitFor(eventFor(EventSubjects.markChanged, view.sessionId), 'the change by hand');

    // Redis comes back empty (for this run's keys: other specs share the server).
    const keys = await redis.keys(`${config.REDIS_KEY_PREFIX}*`);
    await redis.del(...keys);

    // The next question about it finds out at once, and is answered as for a closed session.
    await expect(client.request(Rpc.sessionCheckinContext, { sessionId: view.sessionId, studentId: marked[0]!.id })).resolves.toMatchObject({
      status: 'closed',
      enrolled: true,
      alreadyPresent: true,
    });
    const closed = await waitFor(eventFor(EventSubjects.sessionClosedV2, view.sessionId), 'the state-lost close');
    expect(closed.data).toMatchObject({ closedBy: SystemActorId, closeReason: 'state-lost' });
    // v1, which predates the reason, says the nearest one it knows: a close by the system.
    const closedV1 = await waitFor(eventFor(EventSubjects.sessionClosed, view.sessionId), 'the v1 twin');
    expect(closedV1.data).toMatchObject({ closedBy: SystemActorId, closeReason: 'max-length' });
    expect((closed.data as { presentStudentIds: string[] }).presentStudentIds.sort()).toEqual(marked.map((s) => s.id).sort());
    const detail = await client.request(Rpc.sessionGet, { actor: teacher, sessionId: view.sessionId });
    expect(detail).toMatchObject({ status: 'closed', closeReason: 'state-lost', enrolledCount: 2_501, presentCount: 3 });
    expect(detail.roster?.map((r) => r.name)).toEqual(bigRoster.map((s) => s.name));
    expect(detail.roster?.find((r) => r.studentId === bigRoster[3]!.id)).toMatchObject({ status: 'excused' });
    const hash = await redis.hgetall(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}`);
    expect(hash).not.toHaveProperty('latitude');
    expect(await redis.ttl(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:present`)).toBeGreaterThan(0);
    await expect(
      client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId: bigRoster[9]!.id,
        submissionId: randomUUID(),
        distanceM: 5,
        accuracyM: 10,
        methods: ['passkey', 'geofence'],
        verifiedAt: new Date().toISOString(),
      }),
    ).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });

    // The course is free: a new session starts.
    const fresh = await client.request(Rpc.sessionStart, { actor: teacher, courseId: bigCourseId, position });
    expect(fresh.status).toBe('open');
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId: fresh.sessionId });
  });

  it('judges the late threshold in the record-mark script to the millisecond', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: rulesCourseId, position, lateAfterMinutes: 5 });
    const at = (ms: number) => new Date(Date.parse(view.openedAt) + ms).toISOString();
    const base = { sessionId: view.sessionId, distanceM: 3, accuracyM: 5, methods: ['passkey', 'geofence'] as ('passkey' | 'geofence')[] };
    await expect(client.request(Rpc.sessionRecordMark, { ...base, studentId: rulesRoster[0]!.id, submissionId: 'on-time', verifiedAt: at(300_000) })).resolves.toMatchObject({
      result: 'recorded',
      status: 'present',
    });
    await expect(client.request(Rpc.sessionRecordMark, { ...base, studentId: rulesRoster[1]!.id, submissionId: 'late', verifiedAt: at(300_001) })).resolves.toMatchObject({
      result: 'recorded',
      status: 'late',
    });
    // checkOnly writes nothing.
    await expect(client.request(Rpc.sessionRecordMark, { ...base, studentId: rulesRoster[2]!.id, submissionId: 'x', verifiedAt: at(1), checkOnly: true })).resolves.toEqual({
      result: 'allowed',
    });
    expect(await redis.hkeys(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:present`)).toHaveLength(2);
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId: view.sessionId });
  });

  it('judges a QR code in the same call: valid is a proof, wrong ones are counted, and too many throttle the student', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: rulesCourseId, position, qr: { mode: 'required', stepSeconds: 10 } });
    const { token } = await client.request(Rpc.sessionQr, { actor: teacher, sessionId: view.sessionId });
    const checkIn = (studentId: string, code: string) =>
      client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId,
        submissionId: randomUUID(),
        distanceM: 3,
        accuracyM: 5,
        methods: ['passkey', 'geofence'],
        verifiedAt: new Date().toISOString(),
        qr: { code, at: new Date().toISOString() },
      });
    await expect(checkIn(rulesRoster[0]!.id, token)).resolves.toMatchObject({ result: 'recorded', methods: ['passkey', 'geofence', 'qr'] });
    for (let i = 0; i < 5; i++) await expect(checkIn(rulesRoster[1]!.id, 'ZZZZZZ')).resolves.toEqual({ result: 'qr-refused', qr: 'invalid' });
    await expect(checkIn(rulesRoster[1]!.id, token)).resolves.toEqual({ result: 'qr-refused', qr: 'throttled' });
    expect(await redis.ttl(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:qrfail:${rulesRoster[1]!.id}`)).toBeGreaterThan(0);
    // The valid attempt was taken back off the count.
    expect(await redis.get(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:qrfail:${rulesRoster[0]!.id}`)).toBe('0');
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId: view.sessionId });
    await expect(checkIn(rulesRoster[2]!.id, token)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
  });

  it('judges a QR code given at checkin:begin in the context call, counting wrong ones in the same counter, and a code judged then marks with qr', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: rulesCourseId, position, qr: { mode: 'offered', stepSeconds: 10 } });
    const { token, shortCode } = await client.request(Rpc.sessionQr, { actor: teacher, sessionId: view.sessionId });
    const begin = (studentId: string, qr: string) => client.request(Rpc.sessionCheckinContext, { sessionId: view.sessionId, studentId, qr });
    await expect(begin(rulesRoster[0]!.id, token)).resolves.toMatchObject({ qrMode: 'offered', qr: 'valid' });
    await expect(begin(rulesRoster[0]!.id, shortCode.toLowerCase())).resolves.toMatchObject({ qr: 'valid' });
    const failures = `${config.REDIS_KEY_PREFIX}session:${view.sessionId}:qrfail:${rulesRoster[1]!.id}`;
    for (let i = 0; i < 5; i++) await expect(begin(rulesRoster[1]!.id, 'ZZZZZZ')).resolves.toMatchObject({ qr: 'invalid' });
    await expect(begin(rulesRoster[1]!.id, token)).resolves.toMatchObject({ qr: 'throttled' });
    expect(await redis.get(failures)).toBe('6');
    expect(await redis.ttl(failures)).toBeGreaterThan(0);
    expect(await redis.get(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:qrfail:${rulesRoster[0]!.id}`)).toBe('0');
    // Verification then marks with the proof begin found: nothing is judged again.
    await expect(
      client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId: rulesRoster[0]!.id,
        submissionId: randomUUID(),
        distanceM: 3,
        accuracyM: 5,
        methods: ['passkey', 'geofence', 'qr'],
        verifiedAt: new Date().toISOString(),
      }),
    ).resolves.toMatchObject({ result: 'recorded', methods: ['passkey', 'geofence', 'qr'] });
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId: view.sessionId });
  });

  it('refuses in the one atomic record a student un-enrolled, or a session closed, between the challenge’s context and the submission', async () => {
    const view = await client.request(Rpc.sessionStart, { actor: teacher, courseId: rulesCourseId, position, windowMinutes: 30 });
    const [leaver, late] = [rulesRoster[0]!.id, rulesRoster[1]!.id];
    const record = (studentId: string) =>
      client.request(Rpc.sessionRecordMark, {
        sessionId: view.sessionId,
        studentId,
        submissionId: randomUUID(),
        distanceM: 3,
        accuracyM: 5,
        methods: ['passkey', 'geofence'],
        verifiedAt: new Date().toISOString(),
      });
    // At begin both may check in, and the window travels with the challenge.
    for (const studentId of [leaver, late]) {
      await expect(client.request(Rpc.sessionCheckinContext, { sessionId: view.sessionId, studentId })).resolves.toMatchObject({
        status: 'open',
        enrolled: true,
        checkinClosesAt: view.checkinClosesAt,
      });
    }
    // The enrollment consumer takes the student off the open session's roster (what changeEnrollment's script does).
    await redis.srem(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:enrolled`, leaver);
    await expect(record(leaver)).resolves.toEqual({ result: 'refused', reason: ErrorCode.NOT_ENROLLED });
    await client.request(Rpc.sessionStop, { actor: teacher, sessionId: view.sessionId });
    await expect(record(late)).resolves.toEqual({ result: 'refused', reason: ErrorCode.SESSION_NOT_OPEN });
    expect(await redis.hlen(`${config.REDIS_KEY_PREFIX}session:${view.sessionId}:present`)).toBe(0);
  });

  it('answers SESSION_NOT_FOUND for an unknown session', async () => {
    await expect(client.request(Rpc.sessionGet, { actor: teacher, sessionId: randomUUID() })).rejects.toMatchObject({
      code: ErrorCode.SESSION_NOT_FOUND,
    });
  });
});
