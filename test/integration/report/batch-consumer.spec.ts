import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { DurableConsumer, connectNats, publishWithRetry, sleep, type ConsumedMessage, type NatsConnection } from '@classconnect/messaging';
import { waitFor } from '@classconnect/testing';

/** DurableConsumer.startBatch against a real JetStream, on a private stream deleted afterwards. */
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomUUID().slice(0, 8);
const stream = `SPEC_BATCH_${run}`;
const subjectRoot = `spec-batch-${run}`;


describe('DurableConsumer batch mode', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'batch-consumer-spec');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${subjectRoot}.>`] });
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.drain();
  });

  async function publish(topic: string, bodies: unknown[]): Promise<void> {
    for (const body of bodies) await publishWithRetry(nc, `${subjectRoot}.${topic}`, body, randomUUID());
  }

  it('hands over many messages at once and acks them after the handler resolved', async () => {
    const consumer = new DurableConsumer(nc, { stream, durable: `b1-${run}`, filterSubjects: [`${subjectRoot}.one`] });
    await publish('one', Array.from({ length: 50 }, (_, i) => ({ i })));
    const batches: number[][] = [];
    await consumer.startBatch(
      async (msgs) => {
        batches.push(msgs.map((m) => m.json<{ i: number }>().i));
      },
      { maxBatch: 20, maxWaitMs: 50 },
    );
    await waitFor(() => batches.flat().length >= 50, '50 messages');
    await sleep(300);
    await consumer.stop();
    expect(batches.flat()).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBe(20);
    const info = await (await jetstreamManager(nc)).consumers.info(stream, `b1-${run}`);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  }, 30_000);

  it('retries a batch whose handler threw message by message, and redelivers only the ones it asked to retry', async () => {
    const consumer = new DurableConsumer(nc, { stream, durable: `b2-${run}`, filterSubjects: [`${subjectRoot}.two`] });
    await publish('two', [{ i: 0 }, { i: 1 }, { i: 2 }]);
    const seen: number[] = [];
    let calls = 0;
    await consumer.startBatch(
      async (msgs: ConsumedMessage[]) => {
        calls++;
        const values = msgs.map((m) => m.json<{ i: number }>().i);
        seen.push(...values);
        if (calls === 1) throw new Error('first batch fails');
        const retry = new Map<ConsumedMessage, number>();
        for (const m of msgs) if (m.json<{ i: number }>().i === 1 && m.info.deliveryCount < 3) retry.set(m, 10);
        return { retry };
      },
      { maxBatch: 10, maxWaitMs: 100 },
    );
    // The batch of 3 failed, then each was handled alone; message 1 asked for a retry until its third delivery.
    await waitFor(() => seen.length >= 8, 'redeliveries', 15_000);
    await sleep(500);
    await consumer.stop();
    expect(seen.filter((i) => i === 0)).toHaveLength(2);
    expect(seen.filter((i) => i === 2)).toHaveLength(2);
    expect(seen.filter((i) => i === 1)).toHaveLength(4);
  }, 30_000);
});
