/**
 * What one check-in costs on NATS, counted from outside: a connection that hears every subject
 * (`>`) while one student begins and submits, one step at a time. The shape it holds: verification
 * asks session-service once when the challenge is issued (the context, with the QR code's verdict)
 * and once to decide (the atomic record-mark), and never again on the way; a refusal verification
 * decides itself (the fence) asks nothing at submit. QR_AT_SUBMIT=1 gives the code the older way
 * (with the submission), to compare with a build from before codes were judged at begin.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, type Position } from '@classconnect/contracts';
import { connectNats, sleep, type NatsConnection } from '@classconnect/messaging';
import { offsetNorth, request, requestOk, seatClass, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 50.8503, longitude: 4.3517, accuracy: 10 };

/** Subjects heard, grouped: a command's own subject, JetStream's API and acks, inbox replies, stream publishes. */
function tally(subjects: string[]) {
  const by = new Map<string, number>();
  for (const s of subjects) {
    const key = s.startsWith('_INBOX.') ? '_INBOX (replies)' : s.startsWith('$JS.ACK.') ? '$JS.ACK' : s.startsWith('$JS.API.') ? s.split('.').slice(0, 4).join('.') : s;
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...by].sort(([a], [b]) => a.localeCompare(b)));
}

describe('NATS messages per check-in', () => {
  let sys: TestSystem;
  let cls: Classroom;
  let nc: NatsConnection;
  let heard: string[] = [];

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await seatClass(sys, 2);
    nc = await connectNats(sys.env.NATS_URL!, 'round-trips-e2e');
    nc.subscribe('>', { callback: (_err, msg) => void heard.push(msg.subject) });
  });

  afterAll(async () => {
    cls?.close();
    await nc?.close();
    await sys?.stop();
  });

  /** What was heard while `step` ran and a moment after (events and acks that follow it). */
  async function during(step: () => Promise<unknown>): Promise<string[]> {
    await sleep(1_000);
    heard = [];
    await step();
    await sleep(1_500);
    return heard;
  }

  it('asks session-service once at checkin:begin and once to decide the submission', async () => {
    const session = await requestOk(cls.teacher, ClientEvents.sessionStart, { courseId: cls.cls.courseId, position: room, radiusM: 50, qr: { mode: 'offered' } });
    await cls.students[0]!.opened.waitFor((o) => o.sessionId === session.sessionId);
    const student = cls.students[0]!;
    const { token } = await requestOk(cls.teacher, ClientEvents.sessionQr, { sessionId: session.sessionId });

    const codeAtBegin = process.env.QR_AT_SUBMIT !== '1';
    let options: Parameters<typeof student.authenticator.getAssertion>[0] | undefined;
    const atBegin = await during(async () => {
      const begin = await request(student.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId, ...(codeAtBegin ? { qr: token } : {}) } as never);
      if (!begin.ok) throw new Error(`begin refused: ${begin.error.code}`);
      options = (begin.data as { options: typeof options }).options;
    });
    const assertion = await student.authenticator.getAssertion(options!, { origin: student.origin });
    let submissionId = '';
    const atSubmit = await during(async () => {
      const ack = await requestOk(student.socket, ClientEvents.checkinSubmit, {
        sessionId: session.sessionId,
        assertion,
        position: offsetNorth(room, 5),
        idempotencyKey: crypto.randomUUID(),
        ...(codeAtBegin ? {} : { qr: token }),
      });
      submissionId = ack.submissionId;
      await student.results.waitFor((r) => r.submissionId === submissionId);
    });
    expect((await student.results.waitFor((r) => r.submissionId === submissionId)).verdict).toBe('accepted');

    const sessionCalls = (subjects: string[]) => subjects.filter((s) => s.startsWith('cc.session.'));
    const commands = (subjects: string[]) => subjects.filter((s) => s.startsWith('cc.'));
    // Printed for the record (the performance issue asks for the count before and after).
    console.log(JSON.stringify({ begin: tally(atBegin), submit: tally(atSubmit), commandsAtBegin: commands(atBegin), commandsAtSubmit: commands(atSubmit) }, null, 2));
    expect(sessionCalls(atBegin)).toEqual(['cc.session.checkin-context.v1']);
    expect(sessionCalls(atSubmit)).toEqual(['cc.session.record-mark.v2']);

    // A refusal verification decides itself (outside the fence) asks session-service nothing at submit.
    const far = cls.students[1]!;
    const begun = await requestOk(far.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    const signed = await far.authenticator.getAssertion(begun.options, { origin: far.origin });
    let refusedId = '';
    const atRefusal = await during(async () => {
      const ack = await requestOk(far.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion: signed, position: offsetNorth(room, 900), idempotencyKey: crypto.randomUUID() });
      refusedId = ack.submissionId;
      await far.results.waitFor((r) => r.submissionId === refusedId);
    });
    expect((await far.results.waitFor((r) => r.submissionId === refusedId)).reason).toBe('OUTSIDE_GEOFENCE');
    console.log(JSON.stringify({ refusedOutsideTheFence: tally(atRefusal), commands: commands(atRefusal) }, null, 2));
    expect(sessionCalls(atRefusal)).toEqual([]);
  });
});
