import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { EventSubjects, Streams } from '@classconnect/contracts';
import { DurableConsumer, NATS_CONNECTION, decodeEvent, type ConsumedMessage, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';

/**
 * The DIRECTORY events that carry what a person typed or is called: accounts (name, email) and
 * devices (the name a student gave their phone). Every other event holds ids only.
 */
const carriesPersonalText = (subject: string): boolean =>
  subject === EventSubjects.accountCreated || subject === EventSubjects.accountUpdated || subject.startsWith('directory.device.');
const Batch = 500;
const FetchExpiresMs = 2_000;

/**
 * Erasure reaches the streams: when `directory.account.erased.v1` arrives, the account and device
 * events that named the person (or their phone) are erased from DIRECTORY (the server overwrites them, not only unlinks them), and
 * any set-aside message that mentions the person's id is erased from DEADLETTER. A durable consumer
 * acks only when both are done, so an identity-service that restarts half-way does it again.
 */
@Injectable()
export class StreamScrubber implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('StreamScrubber');
  private readonly consumer: DurableConsumer;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.consumer = new DurableConsumer(nc, { stream: Streams.directory.name, durable: 'identity-erasure-streams', filterSubjects: [EventSubjects.accountErased] });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start((msg) => this.handle(msg));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async handle(msg: ConsumedMessage): Promise<void> {
    let userId: string;
    try {
      userId = String((decodeEvent(msg.data).data as { userId?: unknown }).userId ?? '');
    } catch (err) {
      this.log.warn({ err, seq: msg.seq }, 'skipped an account.erased message that is not a valid event');
      return;
    }
    if (!userId) return;
    const directory = await this.eraseMatching(Streams.directory.name, 'directory.>', (subject, text) => {
      if (!carriesPersonalText(subject)) return false;
      try {
        const data = decodeEvent(new TextEncoder().encode(text)).data as { userId?: unknown; studentId?: unknown };
        return data.userId === userId || data.studentId === userId;
      } catch {
        return text.includes(userId);
      }
    });
    const deadLetters = await this.eraseMatching(Streams.deadLetter.name, '>', (_subject, text) => mentionsInDeadLetter(text, userId));
    this.log.info({ userId, directory, deadLetters }, 'erased the person’s messages from the streams');
  }

  /** Reads the whole stream (an ordered consumer, nothing left on the server) and erases every message `matches` picks. */
  private async eraseMatching(stream: string, filter: string, matches: (subject: string, text: string) => boolean): Promise<number> {
    const jsm = await jetstreamManager(this.nc);
    const info = await jsm.streams.info(stream);
    if (info.state.messages === 0) return 0;
    // One subject, as a string: NATS 2.9 has no consumers with several filter subjects.
    const consumer = await jetstream(this.nc).consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.All });
    const hits: number[] = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: Batch, expires: FetchExpiresMs });
      let read = 0;
      let pending = 1;
      for await (const m of batch) {
        read++;
        pending = m.info.pending;
        if (matches(m.subject, new TextDecoder().decode(m.data))) hits.push(m.seq);
        if (pending === 0) break;
      }
      if (read === 0 || pending === 0) break;
    }
    for (const seq of hits) {
      try {
        await jsm.streams.deleteMessage(stream, seq, true);
      } catch (err) {
        // Gone already (an earlier attempt, or the stream's age limit): that is the outcome wanted.
        if (!/no message found|not found/i.test(String((err as Error).message))) throw err;
      }
    }
    return hits.length;
  }
}

/** A dead letter holds the message it set aside in base64: look inside that as well as at the record. */
function mentionsInDeadLetter(text: string, userId: string): boolean {
  if (text.includes(userId)) return true;
  try {
    const record = (JSON.parse(text) as { data?: { message?: { data?: unknown } } }).data;
    const inner = record?.message?.data;
    return typeof inner === 'string' && Buffer.from(inner, 'base64').toString('utf8').includes(userId);
  } catch {
    return false;
  }
}
