/**
 * Public attendance events: our own JSON schemas in a CloudEvents 1.0 envelope, on the JetStream
 * streams ATTENDANCE (attendance.>) and DIRECTORY (directory.>). The subject is the event type without its `edu.classconnect.` prefix.
 * A published type is never changed: a new version (`.v2`) is added beside it.
 *
 * Each context declares its events in its own events.ts, each once with its schema; they are joined here.
 */
import { z } from 'zod';
import { CheckinStreamEvents } from './checkin/events.js';
import { DeviceStreamEvents } from './devices/events.js';
import { DirectoryStreamEvents } from './directory/events.js';
import { FlagStreamEvents } from './flags/events.js';
import { IsoTime } from './primitives.js';
import { ReportStreamEvents } from './reports/events.js';
import { SessionStreamEvents } from './sessions/events.js';
import { SignInStreamEvents } from './sign-in/events.js';
import { WarningStreamEvents } from './warnings/events.js';
import { join, schemasByWire, wireNames } from './slice-maps.js';

const StreamEvents = join([SessionStreamEvents, CheckinStreamEvents, ReportStreamEvents, FlagStreamEvents, DirectoryStreamEvents, DeviceStreamEvents, SignInStreamEvents, WarningStreamEvents]);

export const EventSubjects = wireNames(StreamEvents);
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

export const EventTypePrefix = 'edu.classconnect.';

export const EventSchemas = schemasByWire(StreamEvents);

export type EventData<S extends EventSubject> = z.infer<(typeof EventSchemas)[S]>;

/** CloudEvents 1.0, structured JSON mode. */
export interface CloudEvent<S extends EventSubject = EventSubject> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension attribute: the id that ties this event to the request that caused it. */
  correlationid?: string;
  data: EventData<S>;
}

export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().startsWith(EventTypePrefix),
  subject: z.string().optional(),
  time: IsoTime,
  datacontenttype: z.literal('application/json'),
  correlationid: z.string().optional(),
  data: z.unknown(),
});

export function eventTypeOf(subject: EventSubject): string {
  return EventTypePrefix + subject;
}
