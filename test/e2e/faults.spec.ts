/**
 * Faults the system must shrug off, as a client sees them: a poison event on the stream must not
 * stall anyone's report (it is set aside, listed for admins, replayable), and a NATS restart must
 * not leave the gateway without its sign-out enforcement.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, EventSubjects, ServerEvents, type Position, type SignInReply } from '@classconnect/contracts';
import { EventPublisher, connectNats, type NatsConnection } from '@classconnect/messaging';
import { EventLog, connectSocket, handshakeError, offsetNorth, request, requestOk, seatClass, startTestSystem, waitFor, type Classroom, type TestSystem } from '@classconnect/testing';
import { createAdmin, post, signInHttp } from './support/auth-http.js';

const lectureHall: Position = { latitude: 52.2053, longitude: 0.1218, accuracy: 8 };
const root = join(import.meta.dirname, '..', '..');


describe('faults', () => {
  let sys: TestSystem;
  let room: Classroom;
  let nc: NatsConnection;

  beforeAll(async () => {
    sys = await startTestSystem();
    room = await seatClass(sys, 4);
    nc = await connectNats(sys.env.NATS_URL!, 'faults-spec');
  });
  afterAll(async () => {
    room?.close();
    await nc?.close();
    await sys?.stop();
  });

  /** A session of the seated class: every student checks in, the teacher stops it; returns the report. */
  async function runSession(beforeStop?: (sessionId: string) => Promise<void>) {
    const { cls, teacher, students } = room;
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });
    for (const s of students) {
      const ack = await s.submitCheckin(session.sessionId, offsetNorth(lectureHall, 10));
      expect(ack.ok).toBe(true);
      await s.results.waitFor((r) => r.sessionId === session.sessionId && r.verdict === 'accepted');
    }
    await beforeStop?.(session.sessionId);
    const ready = new EventLog(teacher, ServerEvents.reportReady);
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId, 30_000);
    return { sessionId: session.sessionId, report: await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId }) };
  }

  it('sets a poison event aside and every session still gets its full report; admins list it and may replay it', async () => {
    const { cls } = room;
    const student = cls.students[0]!;
    const publisher = new EventPublisher(nc, '/classconnect/spec');
    let poisoned = '';
    // A hand mark whose reason holds U+0000: valid JSON and valid for the event's schema, but
    // PostgreSQL refuses to store it, in report-service's projection and in identity's audit log.
    const first = await runSession(async (sessionId) => {
      poisoned = sessionId;
      await publisher.publish(
        EventSubjects.markChanged,
        {
          sessionId,
          courseId: cls.courseId,
          studentId: student.id,
          status: 'excused',
          previousStatus: 'present',
          reason: 'doctor\u0000note',
          changedBy: cls.teacher.id,
          changedAt: new Date().toISOString(),
          sequence: 1,
        },
        { dedupKey: `spec-poison:${randomUUID()}`, about: sessionId },
      );
    });
    expect(first.report.presentCount).toBe(cls.students.length);
    // A later class is not held up either.
    const second = await runSession();
    expect(second.report.presentCount).toBe(cls.students.length);

    const admin = await createAdmin(sys);
    const adminSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(admin.email, admin.password));
    try {
      const { items } = await waitFor(async () => {
        const list = await requestOk(adminSocket, ClientEvents.deadLetterList, {});
        return list.items.filter((d) => d.subject === EventSubjects.markChanged).length >= 2 ? list : undefined;
      }, 'the poison set aside by both consumers', 60_000);
      const poison = items.filter((d) => d.subject === EventSubjects.markChanged);
      expect(poison.map((d) => d.consumer).sort()).toEqual(['identity-audit-attendance-mark-changed-v1', 'report']);
      for (const d of poison) expect(d).toMatchObject({ stream: 'ATTENDANCE', failures: 5, error: expect.stringMatching(/unicode|byte sequence|0x00/i) });

      // The cause is not fixed: a replay fails again, says so, and keeps the record.
      const again = await request(adminSocket, ClientEvents.deadLetterReplay, { sequence: poison[0]!.sequence }, 90_000);
      expect(again).toMatchObject({ ok: false, error: { code: ErrorCode.INTERNAL } });
      // The command-line view lists the same records.
      const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'scripts/deadletters.mjs'), 'list', '--json'], { env: { ...process.env, NATS_URL: sys.env.NATS_URL } });
      const listed = JSON.parse(stdout) as { sequence: number }[];
      expect(listed.map((d) => d.sequence)).toEqual(expect.arrayContaining(poison.map((d) => d.sequence)));
      expect((await request(adminSocket, ClientEvents.deadLetterReplay, { sequence: 999_999 })).ok).toBe(false);
    } finally {
      adminSocket.close();
    }
    expect(poisoned).toBe(first.sessionId);
  });

  it('after a NATS restart, a sign-out still ends the open socket at once and the old token is refused', async () => {
    const { cls } = room;
    const student = cls.students[1]!;
    const signedIn = (await signInHttp(sys, student.email, student.password)).body as SignInReply;
    const socket = await connectSocket(sys.gatewayUrl, signedIn.accessToken);
    const revoked = new Promise((resolve) => socket.once(ServerEvents.authRevoked, resolve));
    try {
      await sys.stopServer('nats');
      await sys.startServer('nats');
      // Ready again: NATS answers and every follower of the gateway runs.
      await waitFor(async () => (await fetch(`${sys.gatewayUrl}/health/ready`)).status === 200, 'the gateway to be ready again', 60_000);

      const out = await waitFor(async () => {
        const reply = await post(sys, '/api/auth/sign-out', {}, signedIn.accessToken);
        return reply.status === 200 ? reply : undefined;
      }, 'the sign-out to go through', 30_000);
      expect(out.body).toEqual({ revoked: 1 });
      const noPush = new Promise((resolve) => setTimeout(() => resolve('no auth:revoked within 20 s'), 20_000).unref());
      await expect(Promise.race([revoked, noPush])).resolves.toMatchObject({ reason: 'signed-out' });
      expect(await handshakeError(sys.gatewayUrl, signedIn.accessToken)).toBe(ErrorCode.SIGN_IN_REVOKED);
      const http = await fetch(`${sys.gatewayUrl}/api/sessions/00000000-0000-4000-8000-000000000000/report`, { headers: { authorization: `Bearer ${signedIn.accessToken}` } });
      expect(((await http.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.SIGN_IN_REVOKED);
    } finally {
      socket.close();
    }
  });
});
