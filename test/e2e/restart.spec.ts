/**
 * A crash in the middle of a burst: verification-service is killed with SIGKILL while check-ins
 * are being submitted and decided, then started again. Every submitted check-in must end with
 * exactly one verdict, and every accepted one must be in the report exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, ServerEvents, type Position } from '@classconnect/contracts';
import { EventLog, offsetNorth, requestOk, seatClass, startTestSystem, type ClassFixture, type Classroom, type StudentClient, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const lectureHall: Position = { latitude: 52.2053, longitude: 0.1218, accuracy: 8 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('verification-service killed during a burst of check-ins', () => {
  let sys: TestSystem;
  let room: Classroom;
  let cls: ClassFixture;
  let teacher: Socket;
  let students: StudentClient[];

  beforeAll(async () => {
    sys = await startTestSystem();
    room = await seatClass(sys, 80);
    ({ cls, teacher, students } = room);
  });

  afterAll(async () => {
    room?.close();
    await sys?.stop();
  });

  it('loses nothing and decides each check-in once', async () => {
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 80 });
    const ready = new EventLog(teacher, ServerEvents.reportReady);

    // Half the class takes its challenge first, so their submissions land while the service is down.
    const early = students.slice(0, 40);
    const late = students.slice(40);
    const challenges = await Promise.all(early.map((s) => requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId })));

    const submissions: { student: StudentClient; submissionId: string }[] = [];
    const submitEarly = early.map(async (s, i) => {
      const assertion = await s.authenticator.getAssertion(challenges[i]!.options, { origin: s.origin });
      const ack = await requestOk(s.socket, ClientEvents.checkinSubmit, {
        sessionId: session.sessionId,
        assertion,
        position: offsetNorth(lectureHall, 10),
        idempotencyKey: crypto.randomUUID(),
      });
      submissions.push({ student: s, submissionId: ack.submissionId });
    });
    // The crash, while the first submissions are being decided: as soon as the first verdict is out.
    await Promise.race(early.map((s) => s.results.waitFor(() => true, 60_000)));
    await sys.kill('verification-service', 'SIGKILL');
    await Promise.all(submitEarly);
    const decidedBeforeCrash = early.filter((s) => s.results.items.length > 0).length;
    expect(decidedBeforeCrash).toBeGreaterThan(0);

    // While it is down, the rest of the class keeps trying, as a phone would on SERVICE_UNAVAILABLE.
    const restarted = sleep(1_000).then(() => sys.restart('verification-service'));
    const submitLate = late.map(async (s) => {
      for (;;) {
        const ack = await s.submitCheckin(session.sessionId, offsetNorth(lectureHall, 20));
        if (ack.ok) return void submissions.push({ student: s, submissionId: (ack.data as { submissionId: string }).submissionId });
        // A slow restart can outlast the begin limit: then the phone waits as long as it is told.
        if (ack.error.code === ErrorCode.RATE_LIMITED) {
          await sleep((ack.error.retryAfterSeconds ?? 1) * 1000);
          continue;
        }
        expect(ack.error.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
        await sleep(200);
      }
    });
    await Promise.all([restarted, ...submitLate]);
    expect(submissions).toHaveLength(80);

    // Exactly one verdict per submission, delivered to its student.
    const verdicts = await Promise.all(submissions.map(({ student, submissionId }) => student.results.waitFor((r) => r.submissionId === submissionId, 60_000)));
    await sleep(500); // time for any duplicate push to arrive, so the count below can see it
    for (const { student, submissionId } of submissions) {
      expect(student.results.items.filter((r) => r.submissionId === submissionId)).toHaveLength(1);
    }
    const accepted = verdicts.filter((v) => v.verdict === 'accepted');
    expect(accepted).toHaveLength(80);

    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId, 60_000);
    const report = await requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });
    const presentIds = report.rows.filter((r) => r.status === 'present').map((r) => r.studentId);
    expect(presentIds).toHaveLength(80);
    expect(new Set(presentIds)).toEqual(new Set(cls.students.map((s) => s.id)));
    expect(report.rows).toHaveLength(80);
  });
});
