import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { CloudEvent } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { retryDelay } from './durable-consumer.js';
import { messagingHealth } from './health.js';
import { decodeEvent, sleep } from './jetstream.js';

const log = createLogger('EventFollower');

export interface FollowOptions {
  stream: string;
  subjects: string[];
  /** Replay from this instant (events stored earlier are skipped), then follow live. */
  since: Date;
  onEvent: (event: CloudEvent) => void;
  /** Names the follower in logs and in the health registry. */
  name?: string;
}

export interface Follower {
  /** Resolves once every event stored when following began has been handed to onEvent. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The stream sequence of the first message on `subjects` stored at or after `since`, or the next
 * sequence to be written when there is none. A throw-away consumer asked to start at that time
 * tells it (NATS 2.9 has no look-up by time), so the follower itself can start by sequence.
 */
async function sequenceAt(nc: NatsConnection, stream: string, subjects: string[], since: Date): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const probe = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
    inactive_threshold: 10_000_000_000,
    ...(subjects.length === 1 ? { filter_subject: subjects[0] } : { filter_subjects: subjects }),
  });
  await jsm.consumers.delete(stream, probe.name).catch(() => false);
  return probe.delivered.stream_seq + 1;
}

/**
 * Follows events with an ordered consumer: no durable state on the server, each process sees every
 * event in order from `since`. It cannot stop silently: it starts by stream sequence (never by
 * time, which the client's own recreation of an ordered consumer turns into a configuration the
 * server refuses), starts again from the sequence after the last event it handed over whenever its
 * consumer ends, fails or the connection to NATS comes back, and is reported down to the health
 * registry (and logged as an error) until it runs again. For in-memory views that any instance
 * rebuilds from the recent past (e.g. the gateway's revoked sign-ins).
 */
export async function followEvents(nc: NatsConnection, opts: FollowOptions): Promise<Follower> {
  const name = `follower ${opts.name ?? opts.subjects.join(',')}`;
  const jsm = await jetstreamManager(nc);
  let lastStored = 0;
  for (const subject of opts.subjects) {
    try {
      const last = await jsm.streams.getMessage(opts.stream, { last_by_subj: subject });
      if (last && last.time >= opts.since) lastStored = Math.max(lastStored, last.seq);
    } catch {
      // no message on this subject yet
    }
  }
  let nextSeq = await sequenceAt(nc, opts.stream, opts.subjects, opts.since);
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  if (lastStored < nextSeq) markCaughtUp();

  let stopped = false;
  let restarting = false;
  let current: ConsumerMessages | undefined;
  const follow = async (messages: ConsumerMessages) => {
    for await (const msg of messages) {
      try {
        opts.onEvent(decodeEvent(msg.data));
      } catch (err) {
        log.warn({ err, subject: msg.subject, seq: msg.seq }, 'ignored an event that could not be handled');
      }
      nextSeq = msg.seq + 1;
      if (msg.seq >= lastStored || msg.info.pending === 0) markCaughtUp();
    }
  };
  const loop = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const consumer = await jetstream(nc).consumers.get(opts.stream, {
          // One subject as a string: filter_subjects (a list) needs NATS 2.10, and Debian ships 2.9.
          filter_subjects: opts.subjects.length === 1 ? opts.subjects[0]! : opts.subjects,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: nextSeq,
        });
        current = await consumer.consume();
        messagingHealth.up(name);
        attempt = 0;
        await follow(current);
        if (stopped) break;
        if (restarting) {
          restarting = false;
          continue;
        }
        throw new Error('the ordered consumer ended');
      } catch (err) {
        if (stopped) break;
        messagingHealth.down(name, err);
        await sleep(retryDelay(attempt));
      }
    }
    messagingHealth.remove(name);
  })();

  // After a reconnect the old consumer may be gone with the server's memory: start a new one at once
  // rather than waiting for missed heartbeats to tell.
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) return;
      if (s.type === 'reconnect') {
        log.info({ follower: name, fromSeq: nextSeq }, 'NATS reconnected; restarting the follower');
        restarting = true;
        current?.stop();
      }
    }
  })().catch(() => {});

  return {
    caughtUp,
    async stop() {
      stopped = true;
      current?.stop();
      await loop;
    },
  };
}
