import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamApiError, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { CorrelationHeader } from '@classconnect/contracts';
import { Metrics, countDependencyError, createLogger, trackConsumerLag, withCorrelation, type Logger } from '@classconnect/observability';
import { errorText, headersOf, recordDeadLetter, serveDeadLetterReplays, type ConsumedMessage } from './dead-letters.js';
import { messagingHealth } from './health.js';
import { sleep } from './jetstream.js';
import { dependencyOf, isTransientError } from './transient-errors.js';

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  filterSubjects: string[];
  /** How many messages may be handled at once. 1 keeps the stream's order. */
  concurrency?: number;
  /**
   * How long the server waits for an ack before it hands the message to another instance. Short,
   * so a crashed instance costs seconds; a handler that runs longer keeps its messages with
   * in-progress acks.
   */
  ackWaitMs?: number;
  /** Failed attempts (not counting outages of a dependency) before a message is set aside. */
  maxFailures?: number;
  /**
   * Where a newly created durable starts: every stored message (the default) or only messages
   * published after it was created. Ignored when the durable already exists.
   */
  deliverPolicy?: 'all' | 'new';
}

export interface BatchOptions {
  /** The most messages handed to the handler at once. */
  maxBatch?: number;
  /** How long to wait for more messages once the first one of a batch has arrived. */
  maxWaitMs?: number;
}

/** What a handler may ask for: handle this message again after a delay (it is nak'ed, not failed). */
export type RetryRequest = { retryInMs: number };

/** What a batch handler may return: messages to redeliver after a delay; every other one is acked. */
export interface BatchOutcome {
  retry?: ReadonlyMap<ConsumedMessage, number>;
}

export type MessageHandler = (msg: ConsumedMessage) => Promise<void | RetryRequest>;
export type BatchHandler = (msgs: ConsumedMessage[]) => Promise<void | BatchOutcome>;

export const DefaultAckWaitMs = 3_000;
export const DefaultMaxFailures = 5;
/** Retries wait at most this long, so work resumes within about two seconds of a dependency's return. */
export const MaxRetryDelayMs = 2_000;

/** 250 ms, 500 ms, 1 s, then 2 s. */
export function retryDelay(attempt: number): number {
  return Math.min(250 * 2 ** Math.max(0, Math.min(attempt - 1, 6)), MaxRetryDelayMs);
}

/**
 * A durable pull consumer that acks a message only after its handler resolved (its effect is
 * committed). Nothing stalls it:
 * - a failing message is retried with back-off; after `maxFailures` failed attempts it is set aside
 *   on DEADLETTER (and can be replayed) and the consumer goes on. A dependency that is down (see
 *   isTransientError) is not the message's fault: those attempts are retried without being counted;
 * - in batch mode a failing batch is retried message by message, so the good ones commit;
 * - if the server stops delivering (consumer deleted, connection trouble) the consumer restarts
 *   itself, and is reported down to the health registry until it is back.
 */
export class DurableConsumer {
  private stopped = false;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private replays?: Subscription;
  private readonly log: Logger;
  /** Failed attempts per stream sequence, in this process (a restart starts counting again). */
  private readonly failures = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private untrackLag?: () => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: DurableConsumerOptions,
  ) {
    this.log = createLogger(`Consumer:${opts.durable}`);
  }

  private get name(): string {
    return `consumer ${this.opts.durable}`;
  }

  private get ackWaitMs(): number {
    return this.opts.ackWaitMs ?? DefaultAckWaitMs;
  }

  /** One message at a time per slot, up to `concurrency` at once. Resolves once the consumer is running. */
  async start(handler: MessageHandler): Promise<void> {
    const concurrency = this.opts.concurrency ?? 1;
    this.serveReplays(async (msg) => {
      await this.untilDone(() => handler(msg).then((r) => (r as RetryRequest | undefined)?.retryInMs));
    });
    await this.supervise(Math.max(1_000, concurrency * 4), Math.max(concurrency * 2, 16), async (messages) => {
      for await (const msg of messages) {
        this.received(msg);
        const p = this.handleOne(msg, handler).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
        if (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
        if (this.stopped) break;
      }
    });
  }

  /**
   * Batch mode: hands the handler up to `maxBatch` messages at once (waiting at most `maxWaitMs`
   * for a batch to fill once its first message arrived), one batch at a time. Every message of a
   * batch is acked only after the handler resolved. Resolves once the consumer is running.
   */
  async startBatch(handler: BatchHandler, opts: BatchOptions = {}): Promise<void> {
    const maxBatch = Math.max(1, opts.maxBatch ?? 256);
    const maxWaitMs = Math.max(0, opts.maxWaitMs ?? 50);
    this.serveReplays(async (msg) => {
      await this.untilDone(() => handler([msg]).then((r) => (r as BatchOutcome | undefined)?.retry?.get(msg)));
    });
    await this.supervise(Math.max(1_000, maxBatch * 4), Math.max(maxBatch * 2, 16), async (messages) => {
      const buffer: JsMsg[] = [];
      let ended = false;
      let wake: (() => void) | undefined;
      const signal = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const waitForMore = (ms?: number) =>
        new Promise<void>((resolve) => {
          const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
          wake = () => {
            if (timer) clearTimeout(timer);
            resolve();
          };
        });
      const reader = (async () => {
        try {
          for await (const msg of messages) {
            this.received(msg);
            buffer.push(msg);
            if (buffer.length >= maxBatch || buffer.length === 1) signal();
          }
        } finally {
          ended = true;
          signal();
        }
      })();
      while (!this.stopped) {
        if (buffer.length === 0) {
          if (ended) break;
          await waitForMore();
          continue;
        }
        const deadline = Date.now() + maxWaitMs;
        while (buffer.length < maxBatch && !ended && !this.stopped && Date.now() < deadline) await waitForMore(deadline - Date.now());
        if (this.stopped) break;
        await this.handleBatch(buffer.splice(0, maxBatch), handler);
      }
      // Messages read but not handled go back at once rather than after the ack wait.
      for (const msg of buffer.splice(0)) msg.nak();
      await reader;
    });
  }

  /**
   * Runs `consume` on the durable and starts it again whenever it ends or fails, until stop().
   * Resolves after the first successful start.
   */
  private async supervise(maxAckPending: number, maxMessages: number, consume: (messages: ConsumerMessages) => Promise<void>): Promise<void> {
    let started!: () => void;
    const firstStart = new Promise<void>((resolve) => (started = resolve));
    this.loop = (async () => {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          const consumer = await this.ensureConsumer(maxAckPending);
          const messages = await consumer.consume({ max_messages: maxMessages });
          this.messages = messages;
          this.watch(messages);
          messagingHealth.up(this.name);
          this.untrackLag ??= trackConsumerLag(this.opts.durable, async () => {
            const info = await (await jetstreamManager(this.nc)).consumers.info(this.opts.stream, this.opts.durable);
            return { pending: info.num_pending, ackPending: info.num_ack_pending };
          });
          started();
          attempt = 0;
          await consume(messages);
          await Promise.allSettled(this.inFlight);
          if (this.stopped) break;
          throw new Error('the server stopped delivering messages');
        } catch (err) {
          if (this.stopped) break;
          messagingHealth.down(this.name, err);
          await sleep(retryDelay(attempt));
        }
      }
      messagingHealth.remove(this.name);
    })();
    await Promise.race([firstStart, this.loop]);
  }

  /** Ends the message loop when the server says the consumer or its stream is gone, so supervise() recreates it. */
  private watch(messages: ConsumerMessages): void {
    void (async () => {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
          this.log.warn({ status: s.type }, 'the server lost this consumer; recreating it');
          messages.stop();
          return;
        }
      }
    })().catch(() => {});
  }

  /** Counts a redelivery (for cc_consumer_redeliveries_total). */
  private received(msg: JsMsg): void {
    if (msg.info.redelivered) Metrics.redeliveries.inc({ durable: this.opts.durable });
  }

  private async handleOne(msg: JsMsg, handler: MessageHandler): Promise<void> {
    try {
      // Every line the handler logs names the correlation id the message was published with.
      const correlationId = msg.headers?.get(CorrelationHeader);
      const run = () => this.keepingAlive([msg], () => handler(msg));
      const outcome = await (correlationId ? withCorrelation(correlationId, run) : run());
      this.log.debug({ subject: msg.subject, seq: msg.seq }, 'handled');
      this.settle(msg, outcome?.retryInMs);
    } catch (err) {
      await this.onFailure(msg, err);
    }
  }

  private async handleBatch(batch: JsMsg[], handler: BatchHandler): Promise<void> {
    try {
      const outcome = await this.keepingAlive(batch, () => handler(batch));
      for (const msg of batch) this.settle(msg, outcome?.retry?.get(msg));
      return;
    } catch (err) {
      if (isTransientError(err) || batch.length === 1) {
        for (const msg of batch) await this.onFailure(msg, err);
        return;
      }
      this.log.warn({ err, size: batch.length, firstSeq: batch[0]?.seq }, 'a batch failed; handling its messages one by one');
    }
    for (const [i, msg] of batch.entries()) {
      try {
        const outcome = await this.keepingAlive([msg], () => handler([msg]));
        this.settle(msg, outcome?.retry?.get(msg));
      } catch (err) {
        if (isTransientError(err)) {
          // The dependency is down for the rest of the batch too.
          for (const rest of batch.slice(i)) await this.onFailure(rest, err);
          return;
        }
        await this.onFailure(msg, err);
      }
    }
  }

  private settle(msg: JsMsg, retryInMs: number | undefined): void {
    if (retryInMs === undefined) {
      this.failures.delete(msg.seq);
      msg.ack();
    } else {
      msg.nak(retryInMs);
    }
  }

  /** Retries the message later; after too many failures of its own, sets it aside and acks it. */
  private async onFailure(msg: JsMsg, err: unknown): Promise<void> {
    const context = { subject: msg.subject, seq: msg.seq, deliveryCount: msg.info.deliveryCount };
    if (isTransientError(err)) {
      const dependency = dependencyOf(err);
      if (dependency) countDependencyError(dependency);
      this.log.warn({ ...context, err }, 'a dependency is unavailable; will retry');
      msg.nak(retryDelay(msg.info.deliveryCount));
      return;
    }
    const failures = (this.failures.get(msg.seq) ?? 0) + 1;
    this.remember(msg.seq, failures);
    const maxFailures = this.opts.maxFailures ?? DefaultMaxFailures;
    if (failures < maxFailures) {
      this.log.error({ ...context, err, failures, maxFailures }, 'handler failed; will retry');
      msg.nak(retryDelay(failures));
      return;
    }
    try {
      await recordDeadLetter(this.nc, {
        consumer: this.opts.durable,
        stream: this.opts.stream,
        streamSequence: msg.seq,
        subject: msg.subject,
        error: errorText(err),
        failures,
        deliveries: msg.info.deliveryCount,
        deadAt: new Date().toISOString(),
        message: { data: Buffer.from(msg.data).toString('base64'), headers: headersOf(msg) },
      });
    } catch (publishErr) {
      this.log.error({ ...context, err: publishErr }, 'could not set a failing message aside; will retry it');
      msg.nak(MaxRetryDelayMs);
      return;
    }
    this.failures.delete(msg.seq);
    // No reason text: NATS 2.9 (Debian's) does not read `+TERM reason` as a term at all.
    msg.term();
    Metrics.deadLetters.inc({ durable: this.opts.durable });
    this.log.error({ ...context, err, failures, consumer: this.opts.durable }, 'set a message aside on DEADLETTER after repeated failures; going on with the next ones');
  }

  private remember(seq: number, failures: number): void {
    this.failures.set(seq, failures);
    // Counts of messages another instance finished are never cleared here: keep the map bounded.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Runs fn, telling the server every third of the ack wait that these messages are still being handled. */
  private async keepingAlive<T>(msgs: JsMsg[], fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      for (const m of msgs) m.working();
    }, Math.max(200, Math.floor(this.ackWaitMs / 3)));
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  /** A replayed dead letter: runs the handler until it no longer asks for a retry (at most a minute). */
  private async untilDone(run: () => Promise<number | undefined>): Promise<void> {
    const until = Date.now() + 60_000;
    for (;;) {
      const retryInMs = await run();
      if (retryInMs === undefined) return;
      if (Date.now() + retryInMs > until) throw new Error('the handler still asked for a retry after a minute');
      await sleep(retryInMs);
    }
  }

  private serveReplays(handle: (msg: ConsumedMessage) => Promise<void>): void {
    this.replays = serveDeadLetterReplays(this.nc, this.opts.durable, handle);
  }

  /** Creates the durable, or brings its configuration up to date, and returns it. */
  private async ensureConsumer(maxAckPending: number) {
    const { stream, durable, filterSubjects } = this.opts;
    const jsm = await jetstreamManager(this.nc);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: this.opts.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      ack_wait: this.ackWaitMs * 1_000_000,
      // Bounded deliveries are counted here, not by the server: outages must not count.
      max_deliver: -1,
      max_ack_pending: maxAckPending,
      ...(filterSubjects.length === 1 ? { filter_subject: filterSubjects[0] } : { filter_subjects: filterSubjects }),
    };
    try {
      await jsm.consumers.info(stream, durable);
      const { durable_name: _d, deliver_policy: _p, ...update } = config;
      await jsm.consumers.update(stream, durable, update);
    } catch (err) {
      if (err instanceof JetStreamApiError && /not found/i.test(err.message)) await jsm.consumers.add(stream, config);
      else throw err;
    }
    return jetstream(this.nc).consumers.get(stream, durable);
  }

  /** Stops taking messages and waits for the ones being handled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.untrackLag?.();
    this.replays?.unsubscribe();
    this.messages?.stop();
    await this.loop;
  }
}
