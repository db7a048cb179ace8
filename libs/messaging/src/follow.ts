import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { CloudEvent } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { decodeEvent } from './jetstream.js';

const log = createLogger('EventFollower');

export interface FollowOptions {
  stream: string;
  subjects: string[];
  /** Replay from this instant (events stored earlier are skipped), then follow live. */
  since: Date;
  onEvent: (event: CloudEvent) => void;
}

export interface Follower {
  /** Resolves once every event stored when following began has been handed to onEvent. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows events with an ordered consumer: no durable state on the server, each process sees every
 * event in order from `since`, and the library recreates the consumer after a reconnect. For
 * in-memory views that any instance rebuilds from the recent past (e.g. the gateway's revoked sign-ins).
 */
export async function followEvents(nc: NatsConnection, opts: FollowOptions): Promise<Follower> {
  const jsm = await jetstreamManager(nc);
  let lastSeq = 0;
  for (const subject of opts.subjects) {
    try {
      const last = await jsm.streams.getMessage(opts.stream, { last_by_subj: subject });
      if (last && last.time >= opts.since) lastSeq = Math.max(lastSeq, last.seq);
    } catch {
      // no message on this subject yet
    }
  }
  const consumer = await jetstream(nc).consumers.get(opts.stream, {
    // One subject as a string: filter_subjects (a list) needs NATS 2.10, and Debian ships 2.9.
    filter_subjects: opts.subjects.length === 1 ? opts.subjects[0]! : opts.subjects,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: opts.since.toISOString(),
  });
  const messages = await consumer.consume();
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  if (lastSeq === 0) markCaughtUp();
  void (async () => {
    for await (const msg of messages) {
      try {
        opts.onEvent(decodeEvent(msg.data));
      } catch (err) {
        log.warn({ err, subject: msg.subject, seq: msg.seq }, 'ignored an event that could not be handled');
      }
      if (msg.seq >= lastSeq || msg.info.pending === 0) markCaughtUp();
    }
  })().catch((err: unknown) => log.error({ err }, 'event follower stopped'));
  return {
    caughtUp,
    async stop() {
      messages.stop();
    },
  };
}
