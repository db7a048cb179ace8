import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { jetstreamManager, type MsgRequest } from '@nats-io/jetstream';
import {
  CorrelationHeader,
  DeadLetterRecordedV1,
  DeadLetterReplayRequest,
  DeadLetterSubjects,
  DeadLetterSummary,
  DomainError,
  ErrorCode,
  EventTypePrefix,
  Streams,
  deadLetterReplaySubject,
  parseOrThrow,
  type DeadLetterReplayedV1,
  type Result,
} from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { publishWithRetry } from './jetstream.js';

const log = createLogger('DeadLetters');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A message as a consumer's handler sees it: what JetStream delivered, or a dead letter being replayed. */
export interface ConsumedMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Its sequence in its own stream. */
  readonly seq: number;
  readonly headers?: { get(name: string): string };
  readonly info: { readonly deliveryCount: number };
  json<T = unknown>(): T;
}

function cloudEvent(type: string, id: string, data: unknown) {
  return {
    specversion: '1.0',
    id,
    source: '/classconnect/messaging',
    type: EventTypePrefix + type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** The headers of a delivered message as a plain record (first value of each). */
export function headersOf(msg: { headers?: { keys?(): string[]; get(name: string): string } }): Record<string, string> {
  const h = msg.headers;
  if (!h?.keys) return {};
  return Object.fromEntries(h.keys().map((k) => [k, h.get(k)]));
}

/**
 * Sets a message aside on DEADLETTER. The id is derived from (consumer, stream, sequence), so a
 * retry after a lost reply is stored once.
 */
export async function recordDeadLetter(nc: NatsConnection, record: DeadLetterRecordedV1): Promise<void> {
  const id = `deadletter:${record.consumer}:${record.stream}:${record.streamSequence}`;
  const correlationId = record.message.headers[CorrelationHeader];
  await publishWithRetry(nc, DeadLetterSubjects.recorded, cloudEvent(DeadLetterSubjects.recorded, id, record), id, correlationId, 3);
}

/** Reads one dead letter by its sequence in DEADLETTER, or says there is none. */
export async function readDeadLetter(nc: NatsConnection, sequence: number): Promise<DeadLetterRecordedV1> {
  const jsm = await jetstreamManager(nc);
  const stored = await jsm.streams.getMessage(Streams.deadLetter.name, { seq: sequence }).catch(() => null);
  if (!stored || stored.subject !== DeadLetterSubjects.recorded) {
    throw new DomainError(ErrorCode.NOT_FOUND, `There is no dead letter ${sequence} (it may have been replayed already).`);
  }
  return DeadLetterRecordedV1.parse(stored.json<{ data: unknown }>().data);
}

/** The dead letters waiting for a decision, oldest first (at most `limit`). */
export async function listDeadLetters(nc: NatsConnection, limit = 200): Promise<DeadLetterSummary[]> {
  const jsm = await jetstreamManager(nc);
  const out: DeadLetterSummary[] = [];
  let seq = 1;
  while (out.length < limit) {
    // MSG.GET takes next_by_subj (NATS 2.9+), though the client's type names only seq and last_by_subj.
    const next = { next_by_subj: DeadLetterSubjects.recorded, seq } as unknown as MsgRequest;
    const stored = await jsm.streams.getMessage(Streams.deadLetter.name, next).catch(() => null);
    if (!stored) break;
    const parsed = DeadLetterRecordedV1.safeParse(stored.json<{ data: unknown }>().data);
    if (parsed.success) {
      const { message, ...rest } = parsed.data;
      out.push({ ...rest, sequence: stored.seq, size: Buffer.from(message.data, 'base64').length });
    }
    seq = stored.seq + 1;
  }
  return out;
}

/** Asks the consumer that set a dead letter aside to handle it again; resolves once it did. */
export async function replayDeadLetter(nc: NatsConnection, sequence: number, replayedBy?: string, timeoutMs = 60_000): Promise<DeadLetterReplayedV1> {
  const record = await readDeadLetter(nc, sequence);
  const request: DeadLetterReplayRequest = { sequence, ...(replayedBy ? { replayedBy } : {}) };
  let reply;
  try {
    reply = await nc.request(deadLetterReplaySubject(record.consumer), encoder.encode(JSON.stringify(request)), { timeout: timeoutMs });
  } catch {
    throw new DomainError(
      ErrorCode.SERVICE_UNAVAILABLE,
      `No running instance of the consumer ${record.consumer} answered; start its service and replay again.`,
    );
  }
  const result = reply.json<Result<DeadLetterReplayedV1>>();
  if (result.ok) return result.data;
  throw new DomainError(result.error.code, result.error.message);
}

/** The message a dead letter holds, as a handler sees it. */
export function messageOf(record: DeadLetterRecordedV1): ConsumedMessage {
  const data = new Uint8Array(Buffer.from(record.message.data, 'base64'));
  const headers = record.message.headers;
  return {
    subject: record.subject,
    data,
    seq: record.streamSequence,
    headers: { get: (name: string) => headers[name] ?? '' },
    info: { deliveryCount: record.deliveries + 1 },
    json: <T>() => JSON.parse(decoder.decode(data)) as T,
  };
}

/**
 * Serves replay requests for one durable consumer (a queue group per durable, so one instance
 * answers): reads the record, hands its message to `handle`, and only once that succeeded removes
 * the record and publishes deadletter.replayed.v1. A failure leaves the record where it was.
 */
export function serveDeadLetterReplays(nc: NatsConnection, consumer: string, handle: (msg: ConsumedMessage) => Promise<void>): Subscription {
  return nc.subscribe(deadLetterReplaySubject(consumer), {
    queue: consumer,
    callback: (err, msg) => {
      if (err) return log.error({ err, consumer }, 'replay subscription error');
      void (async () => {
        let reply: Result<DeadLetterReplayedV1>;
        try {
          const request = parseOrThrow(DeadLetterReplayRequest, msg.json());
          const record = await readDeadLetter(nc, request.sequence);
          if (record.consumer !== consumer) throw new DomainError(ErrorCode.NOT_FOUND, `Dead letter ${request.sequence} belongs to ${record.consumer}.`);
          await handle(messageOf(record));
          const replayed: DeadLetterReplayedV1 = {
            deadLetterSequence: request.sequence,
            consumer,
            stream: record.stream,
            streamSequence: record.streamSequence,
            subject: record.subject,
            replayedAt: new Date().toISOString(),
            ...(request.replayedBy ? { replayedBy: request.replayedBy } : {}),
          };
          const id = `deadletter-replayed:${request.sequence}`;
          await publishWithRetry(nc, DeadLetterSubjects.replayed, cloudEvent(DeadLetterSubjects.replayed, id, replayed), id, undefined, 3);
          const jsm = await jetstreamManager(nc);
          await jsm.streams.deleteMessage(Streams.deadLetter.name, request.sequence, false).catch(() => false);
          log.warn({ consumer, deadLetterSequence: request.sequence, subject: record.subject, streamSequence: record.streamSequence }, 'dead letter replayed');
          reply = { ok: true, data: replayed };
        } catch (e) {
          if (e instanceof DomainError) reply = { ok: false, error: e.toBody() };
          else {
            log.error({ err: e, consumer }, 'a replayed dead letter failed again; it stays set aside');
            reply = { ok: false, error: { code: ErrorCode.INTERNAL, message: `The replay failed again: ${errorText(e)}` } };
          }
        }
        if (msg.reply) msg.respond(encoder.encode(JSON.stringify(reply)));
      })();
    },
  });
}

export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text;
}
