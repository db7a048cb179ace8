import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { DeadLetterSubjects, EventSubjects, Streams, type CloudEvent } from '@classconnect/contracts';
import {
  DurableConsumer,
  connectNats,
  ensureStreams,
  followEvents,
  listDeadLetters,
  messagingHealth,
  publishWithRetry,
  replayDeadLetter,
  type ConsumedMessage,
  type NatsConnection,
} from '@classconnect/messaging';
import { ensureInfra, type Infra } from '@classconnect/runtime';
import { waitFor } from '@classconnect/testing';

/**
 * What keeps one message from stalling a consumer, and a follower from dying silently, against a
 * real JetStream: each test uses a private stream (deleted afterwards); the follower test restarts
 * a NATS server of its own.
 */
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomUUID().slice(0, 8);
const stream = `SPEC_FAIL_${run}`;
const root = `spec-fail-${run}`;

/** A handler error as pg reports a refused connection: an outage, not the message's fault. */
function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

describe('durable consumers that meet failing messages', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'consumer-failures-spec');
    await ensureStreams(nc);
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${root}.>`] });
  });
  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.drain();
  });

  async function publish(topic: string, bodies: unknown[]): Promise<void> {
    for (const body of bodies) await publishWithRetry(nc, `${root}.${topic}`, body, randomUUID());
  }

  const deadLettersOf = async (durable: string) => (await listDeadLetters(nc, 1_000)).filter((d) => d.consumer === durable);

  it('sets a poison message aside after its failures, commits the rest of its batch, and goes on', async () => {
    const durable = `poison-batch-${run}`;
    const consumer = new DurableConsumer(nc, { stream, durable, filterSubjects: [`${root}.batch`], maxFailures: 3 });
    const committed: number[] = [];
    let poisonAttempts = 0;
    await consumer.startBatch(
      async (msgs: ConsumedMessage[]) => {
        const values = msgs.map((m) => m.json<{ i: number; poison?: boolean }>());
        // Like one transaction: one bad row and nothing of the batch commits.
        if (values.some((v) => v.poison)) {
          poisonAttempts++;
          throw new Error('unsupported Unicode escape sequence');
        }
        committed.push(...values.map((v) => v.i));
      },
      { maxBatch: 10, maxWaitMs: 100 },
    );
    await publish('batch', [{ i: 0 }, { i: 1 }, { i: 2, poison: true }, { i: 3 }, { i: 4 }]);
    const [dead] = await waitFor(async () => {
      const found = await deadLettersOf(durable);
      return found.length ? found : undefined;
    }, 'the dead letter', 20_000);
    await publish('batch', [{ i: 5 }]);
    await waitFor(() => committed.includes(5), 'a message published after the dead letter');
    await consumer.stop();

    expect([...committed].sort()).toEqual([0, 1, 3, 4, 5]);
    expect(dead).toMatchObject({ consumer: durable, stream, subject: `${root}.batch`, failures: 3, error: 'unsupported Unicode escape sequence' });
    // The batch try and three tries of its own; after that the consumer no longer sees it.
    expect(poisonAttempts).toBe(4);
    // Acks are sent without waiting for the server: poll until it has them all.
    const jsm = await jetstreamManager(nc);
    const info = await waitFor(async () => {
      const i = await jsm.consumers.info(stream, durable);
      return i.num_ack_pending === 0 ? i : undefined;
    }, 'every message acked or set aside');
    expect(info.num_pending).toBe(0);
  }, 40_000);

  it('retries through an outage without counting it, then handles the message once', async () => {
    const durable = `outage-${run}`;
    const consumer = new DurableConsumer(nc, { stream, durable, filterSubjects: [`${root}.outage`], maxFailures: 2 });
    let attempts = 0;
    const handled: string[] = [];
    await consumer.start(async (msg) => {
      attempts++;
      if (attempts <= 6) throw refused();
      handled.push(msg.json<{ id: string }>().id);
    });
    await publish('outage', [{ id: 'a' }]);
    await waitFor(() => handled.length === 1, 'the message after the outage', 20_000);
    await consumer.stop();
    expect(attempts).toBe(7);
    expect(await deadLettersOf(durable)).toEqual([]);
  }, 30_000);

  it('replays a dead letter through the same handler once its cause is fixed, and removes it', async () => {
    const durable = `replay-${run}`;
    const consumer = new DurableConsumer(nc, { stream, durable, filterSubjects: [`${root}.replay`], maxFailures: 2 });
    let fixed = false;
    const handled: string[] = [];
    await consumer.start(async (msg) => {
      const { id } = msg.json<{ id: string }>();
      if (id === 'bad' && !fixed) throw new Error('a bug in this version');
      handled.push(id);
    });
    await publish('replay', [{ id: 'bad' }, { id: 'good' }]);
    const [dead] = await waitFor(async () => {
      const found = await deadLettersOf(durable);
      return found.length ? found : undefined;
    }, 'the dead letter', 20_000);
    expect(handled).toEqual(['good']);

    // Replaying before the fix fails again and leaves the record in place.
    await expect(replayDeadLetter(nc, dead!.sequence)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await deadLettersOf(durable)).toHaveLength(1);

    fixed = true;
    const replayedEvents: unknown[] = [];
    const sub = nc.subscribe(DeadLetterSubjects.replayed, { callback: (_e, m) => void replayedEvents.push(m.json<{ data: unknown }>().data) });
    const replayed = await replayDeadLetter(nc, dead!.sequence);
    expect(replayed).toMatchObject({ deadLetterSequence: dead!.sequence, consumer: durable, subject: `${root}.replay` });
    expect(handled).toEqual(['good', 'bad']);
    expect(await deadLettersOf(durable)).toEqual([]);
    await waitFor(() => replayedEvents.length === 1, 'deadletter.replayed.v1');
    sub.unsubscribe();
    await expect(replayDeadLetter(nc, dead!.sequence)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await consumer.stop();
  }, 40_000);

  it('recreates its durable when the server loses it, and is reported down until then', async () => {
    const durable = `lost-${run}`;
    const consumer = new DurableConsumer(nc, { stream, durable, filterSubjects: [`${root}.lost`] });
    const handled: number[] = [];
    await consumer.start(async (msg) => {
      handled.push(msg.json<{ i: number }>().i);
    });
    await publish('lost', [{ i: 1 }]);
    await waitFor(() => handled.includes(1), 'the first message');
    await (await jetstreamManager(nc)).consumers.delete(stream, durable);
    await publish('lost', [{ i: 2 }]);
    await waitFor(() => handled.includes(2), 'a message after the durable was deleted', 30_000);
    expect(messagingHealth.downParts().filter((p) => p.name.includes(durable))).toEqual([]);
    await consumer.stop();
  }, 40_000);
});

describe('an event follower across a NATS restart', () => {
  let infra: Infra;
  let nc: NatsConnection;
  const dataDir = mkdtempSync(join(tmpdir(), 'classconnect-follow-'));

  beforeAll(async () => {
    // A NATS server of this test's own (the others are configured, so nothing else starts).
    infra = await ensureInfra({ dataDir, fresh: true, configured: { REDIS_URL: 'redis://unused', DATABASE_URL: 'postgres://unused' } });
    nc = await connectNats(infra.NATS_URL, 'follow-spec');
    await ensureStreams(nc);
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await infra?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function revoke(userId: string): Promise<void> {
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/classconnect/spec',
      type: `edu.classconnect.${EventSubjects.signInRevoked}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { userId, signInIds: [], everywhere: true, reason: 'signed-out', revokedAt: new Date().toISOString() },
    };
    await publishWithRetry(nc, EventSubjects.signInRevoked, event, event.id);
  }

  it('starts from its instant, and keeps delivering after the server restarts', async () => {
    await revoke('before');
    await new Promise((r) => setTimeout(r, 50));
    const since = new Date();
    await new Promise((r) => setTimeout(r, 50));
    await revoke('after-1');
    const seen: string[] = [];
    const follower = await followEvents(nc, {
      stream: Streams.directory.name,
      subjects: [EventSubjects.signInRevoked],
      since,
      name: `spec-${run}`,
      onEvent: (e: CloudEvent) => seen.push((e.data as { userId: string }).userId),
    });
    await follower.caughtUp;
    expect(seen).toEqual(['after-1']);

    for (const round of [1, 2]) {
      await infra.stopServer('nats');
      await infra.startServer('nats');
      await waitFor(async () => nc.rtt().then(() => true, () => false), 'the reconnection', 20_000);
      await revoke(`restart-${round}`);
      await waitFor(() => seen.includes(`restart-${round}`), `the revocation after restart ${round}`, 20_000);
    }
    expect(seen).toEqual(['after-1', 'restart-1', 'restart-2']);
    expect(messagingHealth.downParts().filter((p) => p.name.includes(`spec-${run}`))).toEqual([]);
    await follower.stop();
  }, 90_000);
});
