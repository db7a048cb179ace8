import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
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
import { createLogger, currentCorrelationId, type Logger } from '@classconnect/observability';
import { publishToStream } from './requester.js';

const log = createLogger('JetStream');

const DAY_NS = 24 * 60 * 60 * 1_000_000_000;

/** DIRECTORY's age limit unless DIRECTORY_RETENTION_DAYS says otherwise. */
export const DefaultDirectoryRetentionDays = 90;

/** Creates the streams, or brings their configuration up to date. Safe to run from every service at start. */
export async function ensureStreams(nc: NatsConnection, replicas = 1, directoryRetentionDays = DefaultDirectoryRetentionDays): Promise<void> {
  const jsm = await jetstreamManager(nc);
  // Every stream is on file storage, replicated as configured, and drops a repeated Nats-Msg-Id
  // within 10 minutes; they differ in what they hold and for how long.
  const stream = (def: { name: string; subjects: readonly string[] }, retention: RetentionPolicy, maxAgeDays: number) => ({
    name: def.name,
    subjects: [...def.subjects],
    retention,
    storage: StorageType.File,
    num_replicas: replicas,
    max_age: maxAgeDays * DAY_NS,
    duplicate_window: 10 * 60 * 1_000_000_000,
  });
  const wanted: (Partial<StreamConfig> & { name: string })[] = [
    // The durable record of every attendance fact. Subscribers (LMS, SIS, analytics) read it.
    stream(Streams.attendance, RetentionPolicy.Limits, 400),
    // Facts about people, courses and enrollments, so other services' views stay current. Public too.
    // Its account events carry names and emails: kept for a bounded, configurable time, and a
    // person's are erased from it at once when they are erased (docs/privacy.md).
    stream(Streams.directory, RetentionPolicy.Limits, directoryRetentionDays),
    // Check-ins waiting for a verdict. Holds raw positions, so each is removed once acked.
    stream(Streams.intake, RetentionPolicy.Workqueue, 1),
    // Messages a consumer set aside, with the message itself (a work queue's copy is gone by then),
    // kept for two weeks: long enough for someone to look, not longer.
    stream(Streams.deadLetter, RetentionPolicy.Limits, 14),
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

/** What a service needs of the publisher: the seam its unit tests replace with a fake. */
export type EventSink = Pick<EventPublisher, 'publish'>;

/** Publishes public attendance facts as CloudEvents on the ATTENDANCE stream, retrying until stored. */
export class EventPublisher {
  constructor(
    private readonly nc: NatsConnection,
    private readonly source: string,
  ) {}

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
    await publishWithRetry(this.nc, subject, event, opts.dedupKey, opts.correlationId);
    return event;
  }
}

/** Publishes any JSON body to JetStream with a Nats-Msg-Id, retrying while the server is unreachable. */
export async function publishWithRetry(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  msgID: string,
  correlationId?: string,
  attempts = 20,
): Promise<void> {
  const h = natsHeaders();
  const carried = correlationId ?? currentCorrelationId();
  if (carried) h.set(CorrelationHeader, carried);
  const payload = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    try {
      await publishToStream(nc, subject, payload, { msgID, headers: h, timeoutMs: 5_000 });
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
      log.warn({ err, subject, attempt }, 'publish failed, retrying');
      await sleep(Math.min(100 * attempt, 1_000));
    }
  }
}

/** Decodes and checks a CloudEvent read from the stream or a core subscription. */
export function decodeEvent(data: Uint8Array): CloudEvent {
  const json = JSON.parse(new TextDecoder().decode(data));
  return CloudEventEnvelope.parse(json) as CloudEvent;
}

/**
 * Reads an event one of our own services published: each subject has one publishing service (NATS
 * permissions) and EventPublisher checked its data against the contract before it left, so it is
 * not parsed against the schemas again on this hop; only its shape is made sure of.
 */
export function decodeOwnEvent(data: Uint8Array): CloudEvent {
  const json = JSON.parse(new TextDecoder().decode(data)) as Partial<CloudEvent> | null;
  if (!json || typeof json !== 'object' || typeof json.id !== 'string' || typeof json.type !== 'string' || !json.data || typeof json.data !== 'object') {
    throw new Error('not a CloudEvent with data');
  }
  return json as CloudEvent;
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
        onEvent(decodeOwnEvent(msg.data));
      } catch (e) {
        log.warn({ err: e, subject: msg.subject }, 'ignored an event that is not a valid CloudEvent');
      }
    },
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
