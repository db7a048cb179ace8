import { describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, Rpc } from '@classconnect/contracts';
import { ClientEventRouter, splitAck } from './client-event-router.js';
import { RelayTable, RosterImportTimeoutMs } from './relay-table.js';
import { FakeRpc, fakeSocket, student, teacher } from './testing/fakes.js';

const sessionId = '0b7f9a52-3c1d-4e2f-8a6b-9d0c1e2f3a4b';
const courseId = '1c8e0b63-4d2e-4f3a-9b7c-0e1f2a3b4c5d';

/** The client events with a handler of their own (they do more than a relay). */
const Handwritten = [ClientEvents.whoami, ClientEvents.checkinSubmit, ClientEvents.sessionQr, ClientEvents.deadLetterList, ClientEvents.deadLetterReplay];

function connect(actor = teacher, extra = {}) {
  const rpc = new FakeRpc((subject, request) => ({ subject, request }));
  const socket = fakeSocket(actor, extra);
  const router = new ClientEventRouter(rpc.asClient());
  // A packet as the connection's middleware hands it over: the event, the arguments, then the ack.
  const emit = (event: string, payload?: unknown) =>
    new Promise<unknown>((resolve) => router.dispatch(socket, payload === undefined ? [event, resolve] : [event, payload, resolve]));
  return { rpc, emit, router, socket };
}

describe('the relay table', () => {
  it('holds every client event without a handler of its own, each once', () => {
    const relayed = RelayTable.map((r) => r.event);
    expect(new Set(relayed).size).toBe(relayed.length);
    expect([...relayed, ...Handwritten].sort()).toEqual(Object.values(ClientEvents).sort());
  });
});

describe('ClientEventRouter', () => {
  it('sends the actor beside the payload to the row’s subject and acks its reply', async () => {
    const { rpc, emit } = connect();
    const ack = await emit(ClientEvents.sessionStop, { sessionId });
    const request = { actor: teacher, sessionId };
    expect(ack).toEqual({ ok: true, data: { subject: Rpc.sessionStop, request } });
    expect(rpc.requests).toEqual([{ subject: Rpc.sessionStop, request }]);
  });

  it('refuses a malformed payload, then a role without the permission, before any request', async () => {
    const { rpc, emit } = connect(student);
    expect(await emit(ClientEvents.sessionStop, { sessionId: 'x' })).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    expect(await emit(ClientEvents.sessionStop, { sessionId })).toEqual({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN, message: 'Your account (student) is not allowed to stop a session.' },
    });
    expect(rpc.requests).toEqual([]);
  });

  it('reads an emit without a payload as an empty one', async () => {
    const { rpc, emit } = connect();
    expect(await emit(ClientEvents.sessionsActive)).toMatchObject({ ok: true });
    expect(rpc.requests).toEqual([{ subject: Rpc.sessionActive, request: { actor: teacher } }]);
  });

  it('builds the requests that differ from the payload', async () => {
    const { rpc, emit } = connect();
    const credentialId = 'cred-1';
    await emit(ClientEvents.attendanceMark, { sessionId, targetStudentId: student.userId, status: 'excused', reason: 'Doctor’s note' });
    await emit(ClientEvents.enrollmentRemove, { courseId, targetStudentId: student.userId });
    await emit(ClientEvents.deviceApprove, { credentialId });
    await emit(ClientEvents.deviceDeny, { credentialId });
    expect(rpc.requests.map((r) => r.request)).toEqual([
      { actor: teacher, sessionId, status: 'excused', reason: 'Doctor’s note', studentId: student.userId },
      { actor: teacher, courseId, studentId: student.userId },
      { actor: teacher, credentialId, decision: 'approved' },
      { actor: teacher, credentialId, decision: 'denied' },
    ]);
  });

  it('adds the connection’s device fingerprint to a check-in challenge, when there is one', async () => {
    const { rpc, emit } = connect(student, { deviceFingerprint: 'fp-1' });
    await emit(ClientEvents.checkinBegin, { sessionId });
    const plain = connect(student);
    await plain.emit(ClientEvents.checkinBegin, { sessionId });
    expect([...rpc.requests, ...plain.rpc.requests].map((r) => r.request)).toEqual([
      { actor: student, sessionId, deviceFingerprint: 'fp-1' },
      { actor: student, sessionId },
    ]);
  });

  it('gives a roster import its longer time-out', async () => {
    const admin = { userId: teacher.userId, role: 'admin' as const };
    const { rpc, emit } = connect(admin);
    await emit(ClientEvents.rosterImport, { mode: 'preview', csv: 'email,course_code\n' });
    expect(rpc.requests[0]).toMatchObject({ subject: Rpc.identityRosterImport, timeoutMs: RosterImportTimeoutMs });
  });
});

describe('ClientEventRouter beyond the relay table', () => {
  it('leaves an event without a handler to socket.io, and refuses a second handler for an event', () => {
    const { router, socket } = connect();
    expect(router.dispatch(socket, ['no:such-event', {}, () => undefined])).toBe(false);
    const handler = async () => ({ items: [] });
    router.handle(ClientEvents.deadLetterList, 'deadletter.manage', handler);
    expect(() => router.handle(ClientEvents.deadLetterList, 'deadletter.manage', handler)).toThrow('two handlers');
    expect(() => router.handle(ClientEvents.sessionStop, 'session.stop', async () => ({}) as never)).toThrow('two handlers');
  });

  it('runs an added handler through the same checks, and acks nothing once the connection is gone', async () => {
    const { router, socket } = connect(student);
    router.handle(ClientEvents.deadLetterList, 'deadletter.manage', async () => ({ items: [] }));
    const forbidden = await new Promise((resolve) => router.dispatch(socket, [ClientEvents.deadLetterList, {}, resolve]));
    expect(forbidden).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const acks: unknown[] = [];
    router.dispatch(socket, [ClientEvents.sessionsActive, (r: unknown) => acks.push(r)]);
    (socket as { connected: boolean }).connected = false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(acks).toEqual([]);
  });
});

describe('splitAck', () => {
  const ack = () => undefined;
  it('reads the arguments of an emit as Nest does: the last function is the ack, several others an array', () => {
    expect(splitAck([])).toEqual({ payload: undefined });
    expect(splitAck([ack])).toEqual({ payload: undefined, ack });
    expect(splitAck([{ a: 1 }, ack])).toEqual({ payload: { a: 1 }, ack });
    expect(splitAck([{ a: 1 }])).toEqual({ payload: { a: 1 } });
    expect(splitAck([1, 2, ack])).toEqual({ payload: [1, 2], ack });
  });
});
