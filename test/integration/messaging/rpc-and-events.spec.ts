import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DomainError, ErrorCode, EventSubjects, Rpc, Streams } from '@classconnect/contracts';
import { EventPublisher, JetStreamPublishError, RpcClient, RpcServer, connectNats, ensureStreams, publishToStream, requesterFor, type NatsConnection } from '@classconnect/messaging';
import { NoRespondersError, TimeoutError, headers as natsHeaders } from '@nats-io/transport-node';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('messaging over a real NATS server', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'messaging-spec');
    await ensureStreams(nc);
  });
  afterAll(async () => {
    await nc.drain();
  });

  it('serves a command in a queue group, validates it, and maps domain errors', async () => {
    const queue = `spec-${randomUUID()}`;
    const server = new RpcServer(nc, queue);
    const client = new RpcClient(nc, 2_000);
    // A subject from the contract, served under a private queue by this spec only for the duration of the test.
    server.handle(Rpc.identityCourse, async ({ courseId }) => {
      if (courseId === '00000000-0000-4000-8000-000000000000') throw new DomainError(ErrorCode.COURSE_NOT_FOUND, 'No such course.');
      return { id: courseId, code: 'X1', title: 'Test', teacherIds: [] };
    });
    const id = randomUUID();
    try {
      await expect(client.request(Rpc.identityCourse, { courseId: id })).resolves.toMatchObject({ id, code: 'X1' });
      await expect(client.request(Rpc.identityCourse, { courseId: 'nope' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await expect(client.request(Rpc.identityCourse, { courseId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
        code: ErrorCode.COURSE_NOT_FOUND,
      });
    } finally {
      await server.close();
    }
  });

  it('answers INTERNAL, and goes on serving, when a reply is larger than the server takes', async () => {
    const queue = `spec-${randomUUID()}`;
    const server = new RpcServer(nc, queue);
    const client = new RpcClient(nc, 2_000);
    const limit = nc.info!.max_payload;
    server.handle(Rpc.identityCourse, async ({ courseId }) => ({
      id: courseId,
      code: 'X1',
      // Big enough to pass the server's limit only when the spec asks for it.
      title: courseId.endsWith('0') ? 'x'.repeat(limit + 1) : 'Test',
      teacherIds: [],
    }));
    try {
      const tooBig = '00000000-0000-4000-8000-000000000000';
      await expect(client.request(Rpc.identityCourse, { courseId: tooBig })).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
      const fine = '00000000-0000-4000-8000-000000000001';
      await expect(client.request(Rpc.identityCourse, { courseId: fine })).resolves.toMatchObject({ id: fine, title: 'Test' });
    } finally {
      await server.close();
    }
  });

  it('answers SERVICE_UNAVAILABLE when nobody serves a command', async () => {
    const client = new RpcClient(nc, 500);
    await expect(client.request(Rpc.reportGet, { actor: { userId: randomUUID(), role: 'teacher' }, sessionId: randomUUID() })).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
    });
  });

  it('requests over one inbox: answers in any order, a time-out for silence, no responders at once', async () => {
    const subject = `spec.echo.${randomUUID()}`;
    const sub = nc.subscribe(subject, { callback: (_e, m) => void setTimeout(() => m.respond(m.data), Number(m.string())) });
    try {
      const requester = requesterFor(nc);
      expect(requesterFor(nc)).toBe(requester);
      const answers = await Promise.all([300, 0, 100].map((ms) => requester.request(subject, String(ms), { timeoutMs: 2_000 }).then((m) => m.string())));
      expect(answers).toEqual(['300', '0', '100']);
      await expect(requester.request(subject, '1500', { timeoutMs: 200 })).rejects.toBeInstanceOf(TimeoutError);
      const started = Date.now();
      await expect(requester.request(`spec.nobody.${randomUUID()}`, 'x', { timeoutMs: 5_000 })).rejects.toBeInstanceOf(NoRespondersError);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      sub.unsubscribe();
    }
  });

  it('publishes to a stream with its acknowledgement: duplicates said so, order kept, a subject without a stream refused', async () => {
    const jsm = await jetstreamManager(nc);
    const stream = `SPEC_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    try {
      const publish = (n: number, id = `m-${n}`) => publishToStream(nc, `${stream}.x`, String(n), { msgID: id, headers: natsHeaders(), timeoutMs: 2_000 });
      const acks = await Promise.all([1, 2, 3, 4, 5].map((n) => publish(n)));
      expect(acks.map((a) => [a.stream, a.seq, a.duplicate])).toEqual([1, 2, 3, 4, 5].map((n) => [stream, n, false]));
      await expect(publish(9, 'm-2')).resolves.toEqual({ stream, seq: 2, duplicate: true });
      await expect(publish(6, 'm-6').then(() => jsm.streams.getMessage(stream, { seq: 6 }))).resolves.toMatchObject({ seq: 6 });
      await expect(publishToStream(nc, `nostream.${randomUUID()}`, 'x', { msgID: 'a', headers: natsHeaders(), timeoutMs: 2_000 })).rejects.toBeInstanceOf(NoRespondersError);
      // A stream that refuses: one that expects another last sequence.
      const h = natsHeaders();
      h.set('Nats-Expected-Last-Sequence', '1');
      await expect(publishToStream(nc, `${stream}.x`, 'x', { msgID: 'b', headers: h, timeoutMs: 2_000 })).rejects.toBeInstanceOf(JetStreamPublishError);
    } finally {
      await jsm.streams.delete(stream);
    }
  });

  it('publishes a CloudEvent once per dedup key', async () => {
    const publisher = new EventPublisher(nc, '/classconnect/spec');
    const jsm = await jetstreamManager(nc);
    const sessionId = randomUUID();
    const before = (await jsm.streams.info(Streams.attendance.name)).state.messages;
    const data = {
      sessionId,
      courseId: randomUUID(),
      presentCount: 1,
      absentCount: 2,
      readyAt: new Date().toISOString(),
    };
    const event = await publisher.publish(EventSubjects.reportReady, data, { dedupKey: `spec-report:${sessionId}` });
    await publisher.publish(EventSubjects.reportReady, data, { dedupKey: `spec-report:${sessionId}` });
    const after = (await jsm.streams.info(Streams.attendance.name)).state.messages;
    expect(after - before).toBe(1);
    expect(event).toMatchObject({ specversion: '1.0', type: 'edu.classconnect.attendance.report.ready.v1', id: `spec-report:${sessionId}` });
    const stored = await jetstream(nc).streams.get(Streams.attendance.name).then((s) => s.getMessage({ last_by_subj: EventSubjects.reportReady }));
    expect(stored?.json()).toMatchObject({ data: { sessionId } });
  });
});
