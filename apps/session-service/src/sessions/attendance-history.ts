import { Inject, Injectable } from '@nestjs/common';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { Streams, type CloudEvent } from '@classconnect/contracts';
import { NATS_CONNECTION, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';

/** The subjects a scan reads: one wildcard each (filter_subjects lists need NATS 2.10; Debian ships 2.9). */
export type HistoryFilter = 'attendance.session.>' | 'attendance.mark.>';

/** Reads back what the stream ATTENDANCE holds, for rebuilding what Redis lost. Unit tests use a fake; Nest injects it by this class. */
export abstract class AttendanceHistory {
  /** Hands every event on `filter` stored at or after `since` to onEvent, in stream order; resolves once it has read them all. */
  abstract scan(filter: HistoryFilter, since: Date, onEvent: (event: CloudEvent) => void): Promise<void>;
}

/** How many events one fetch asks for, and how long it waits when there are none left. */
const Batch = 1000;
const FetchExpiresMs = 1000;

const log = createLogger('AttendanceHistory');

/**
 * Scans ATTENDANCE with an ordered consumer (nothing durable is left on the server). A scan that
 * fails part-way throws: its caller starts it again from the beginning, which is safe because
 * what it rebuilds is written only where nothing is.
 */
@Injectable()
export class JetStreamAttendanceHistory extends AttendanceHistory {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    super();
  }

  async scan(filter: HistoryFilter, since: Date, onEvent: (event: CloudEvent) => void): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(Streams.attendance.name, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since.toISOString(),
    });
    for (;;) {
      const batch = await consumer.fetch({ max_messages: Batch, expires: FetchExpiresMs });
      let read = 0;
      let pending = 1;
      for await (const msg of batch) {
        read++;
        pending = msg.info.pending;
        try {
          onEvent(decodeEvent(msg.data));
        } catch (err) {
          log.warn({ err, subject: msg.subject, seq: msg.seq }, 'ignored an event that is not a valid CloudEvent');
        }
        if (pending === 0) break;
      }
      if (read === 0 || pending === 0) return;
    }
  }
}
