import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  CloudEventEnvelope,
  CorrelationHeader,
  EventSchemas,
  Streams,
  eventTypeOf,
  type CloudEvent,
  type EventData,
  type EventSubject,
} from '@classconnect/contracts';
import { createLogger, type Logger } from '@classconnect/observability';

const encoder = new TextEncoder();
const log = createLogger('JetStream');

const DAY_NS = 24 * 60 * 60 * 1_000_000_000;

/** Creates the streams, or brings their configuration up to date. Safe to run from every service at start. */
export async function ensureStreams(nc: NatsConnection, replicas = 1): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const wanted: (Partial<StreamConfig> & { name: string })[] = [
    {
      // The durable record of every attendance fact. Subscribers (LMS, SIS, analytics) read it.
      name: Streams.attendance.name,
      subjects: [...Streams.attendance.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      max_age: 400 * DAY_NS,
      duplicate_window: 10 * 60 * 1_000_000_000,
    },
    {
      // Facts about people, courses and enrollments, so other services' views stay current. Public too.
      name: Streams.directory.name,
      subjects: [...Streams.directory.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      max_age: 400 * DAY_NS,
      duplicate_window: 10 * 60 * 1_000_000_000,
    },
    {
      // Check-ins waiting for a verdict. Holds raw positions, so each is removed once acked.
      name: Streams.intake.name,
      subjects: [...Streams.intake.subjects],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      num_replicas: replicas,
      max_age: DAY_NS,
      duplicate_window: 10 * 60 * 1_000_000_000,
    },
  ];
  for (const cfg of wanted) {
    try {
      await jsm.streams.info(cfg.name);
      const { name, retention: _retention, storage: _storage, ...update } = cfg;
      await jsm.streams.update(name, update);
    } catch (err) {
      if (err instanceof JetStreamApiError && /not found/i.test(err.message)) {
        await jsm.streams.add(cfg);
        log.info({ stream: cfg.name }, 'stream created');
      } else {
        throw err;
      }
    }
  }
}

export interface PublishOptions {
  /** Deterministic key for Nats-Msg-Id: a retry with the same key is stored once. */
  dedupKey: string;
  correlationId?: string;
  /** CloudEvents `subject`: the entity the event is about (usually the session id). */
  about?: string;
}

/** Publishes public attendance facts as CloudEvents on the ATTENDANCE stream, retrying until stored. */
export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    private readonly source: string,
  ) {
    this.js = jetstream(nc);
  }

  async publish<S extends EventSubject>(subject: S, data: EventData<S>, opts: PublishOptions): Promise<CloudEvent<S>> {
    const event: CloudEvent<S> = {
      specversion: '1.0',
      id: opts.dedupKey,
      source: this.source,
      type: eventTypeOf(subject),
      ...(opts.about ? { subject: opts.about } : {}),
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      ...(opts.correlationId ? { correlationid: opts.correlationId } : {}),
      data: EventSchemas[subject].parse(data) as EventData<S>,
    };
    await publishWithRetry(this.js, subject, event, opts.dedupKey, opts.correlationId);
    return event;
  }
}

/** Publishes any JSON body to JetStream with a Nats-Msg-Id, retrying while the server is unreachable. */
export async function publishWithRetry(
  js: JetStreamClient,
  subject: string,
  body: unknown,
  msgID: string,
  correlationId?: string,
  attempts = 20,
): Promise<void> {
  const h = natsHeaders();
  if (correlationId) h.set(CorrelationHeader, correlationId);
  const payload = encoder.encode(JSON.stringify(body));
  for (let attempt = 1; ; attempt++) {
    try {
      await js.publish(subject, payload, { msgID, headers: h, timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
      log.warn({ err, subject, attempt }, 'publish failed, retrying');
      await sleep(Math.min(100 * attempt, 1_000));
    }
  }
}

export function intakeClient(nc: NatsConnection): JetStreamClient {
  return jetstream(nc);
}

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  filterSubjects: string[];
  /** How many messages may be handled at once. 1 keeps the stream's order. */
  concurrency?: number;
  ackWaitMs?: number;
  maxDeliver?: number;
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

/**
 * What a batch handler may return: messages to redeliver after a delay (they are nak'ed);
 * every other message of the batch is acked.
 */
export interface BatchOutcome {
  retry?: ReadonlyMap<JsMsg, number>;
}

export type BatchHandler = (msgs: JsMsg[]) => Promise<void | BatchOutcome>;

/**
 * A durable pull consumer that acks a message only after its handler resolved (its effect is
 * committed). A handler that throws gets the message redelivered after a back-off; a handler can
 * also ask for a later retry by returning { retryInMs }.
 */
export class DurableConsumer {
  private stopped = false;
  private messages?: { stop(): void; close(): Promise<void | Error> };
  private batchLoop?: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: DurableConsumerOptions,
  ) {
    this.log = createLogger(`Consumer:${opts.durable}`);
  }

  async start(handler: (msg: JsMsg) => Promise<void | { retryInMs: number }>): Promise<void> {
    const concurrency = this.opts.concurrency ?? 1;
    const consumer = await this.ensureConsumer(Math.max(1_000, concurrency * 4));
    const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 16) });
    this.messages = messages;
    const inFlight = new Set<Promise<void>>();
    void (async () => {
      for await (const msg of messages) {
        const p = this.handleOne(msg, handler).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
        if (this.stopped) break;
      }
      await Promise.allSettled(inFlight);
    })();
  }

  /**
   * Batch mode: hands the handler up to `maxBatch` messages at once (waiting at most `maxWaitMs`
   * for a batch to fill once its first message arrived), one batch at a time. Every message of a
   * batch is acked only after the handler resolved; if it throws, all of them are nak'ed for
   * redelivery after a back-off. The handler may ask for some messages to be redelivered later.
   */
  async startBatch(handler: BatchHandler, opts: BatchOptions = {}): Promise<void> {
    const maxBatch = Math.max(1, opts.maxBatch ?? 256);
    const maxWaitMs = Math.max(0, opts.maxWaitMs ?? 50);
    const consumer = await this.ensureConsumer(Math.max(1_000, maxBatch * 4));
    const messages = await consumer.consume({ max_messages: Math.max(maxBatch * 2, 16) });
    this.messages = messages;
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
    void (async () => {
      try {
        for await (const msg of messages) {
          buffer.push(msg);
          if (buffer.length >= maxBatch || buffer.length === 1) signal();
        }
      } catch (err) {
        this.log.error({ err }, 'consumer stopped delivering');
      } finally {
        ended = true;
        signal();
      }
    })();
    this.batchLoop = (async () => {
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
    })();
  }

  private async handleBatch(batch: JsMsg[], handler: BatchHandler): Promise<void> {
    try {
      const outcome = await handler(batch);
      for (const msg of batch) {
        const delay = outcome?.retry?.get(msg);
        if (delay === undefined) msg.ack();
        else msg.nak(delay);
      }
    } catch (err) {
      const deliveries = Math.max(...batch.map((m) => m.info.deliveryCount));
      const delay = Math.min(250 * 2 ** Math.min(deliveries, 6), 15_000);
      this.log.error({ err, size: batch.length, firstSeq: batch[0]?.seq, deliveryCount: deliveries }, 'batch handler failed; will redeliver');
      for (const msg of batch) msg.nak(delay);
    }
  }

  /** Creates the durable, or brings its configuration up to date, and returns it. */
  private async ensureConsumer(maxAckPending: number) {
    const { stream, durable, filterSubjects } = this.opts;
    const jsm = await jetstreamManager(this.nc);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: this.opts.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      ack_wait: (this.opts.ackWaitMs ?? 30_000) * 1_000_000,
      max_deliver: this.opts.maxDeliver ?? -1,
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

  private async handleOne(msg: JsMsg, handler: (msg: JsMsg) => Promise<void | { retryInMs: number }>): Promise<void> {
    try {
      const outcome = await handler(msg);
      if (outcome && 'retryInMs' in outcome) msg.nak(outcome.retryInMs);
      else msg.ack();
    } catch (err) {
      const delay = Math.min(250 * 2 ** Math.min(msg.info.deliveryCount, 6), 15_000);
      this.log.error({ err, subject: msg.subject, seq: msg.seq, deliveryCount: msg.info.deliveryCount }, 'handler failed; will redeliver');
      msg.nak(delay);
    }
  }

  /** Stops taking messages; in batch mode, also waits for the batch being handled to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.batchLoop;
  }
}

/** Decodes and checks a CloudEvent read from the stream or a core subscription. */
export function decodeEvent(data: Uint8Array): CloudEvent {
  const json = JSON.parse(new TextDecoder().decode(data));
  return CloudEventEnvelope.parse(json) as CloudEvent;
}

/**
 * A plain (non-durable) subscription to public events as they are published. The gateway uses it
 * for live pushes: each instance sees every event and forwards to its own sockets.
 */
export function subscribeEvents(nc: NatsConnection, pattern: string, onEvent: (e: CloudEvent) => void): Subscription {
  return nc.subscribe(pattern, {
    callback: (err, msg) => {
      if (err) return log.error({ err }, 'event subscription error');
      try {
        onEvent(decodeEvent(msg.data));
      } catch (e) {
        log.warn({ err: e, subject: msg.subject }, 'ignored an event that is not a valid CloudEvent');
      }
    },
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
