/**
 * Public attendance events: our own JSON schemas in a CloudEvents 1.0 envelope, on the JetStream
 * streams ATTENDANCE (attendance.>) and DIRECTORY (directory.>). The subject is the event type without its `edu.classconnect.` prefix.
 * A published type is never changed: a new version (`.v2`) is added beside it.
 *
 * Each context declares its events in its own events.ts; they are joined here.
 */
import { z } from 'zod';
import { CheckinEventSchemas, CheckinEventSubjects } from './checkin/events.js';
import { DeviceEventSchemas, DeviceEventSubjects } from './devices/events.js';
import { DirectoryEventSchemas, DirectoryEventSubjects } from './directory/events.js';
import { FlagEventSchemas, FlagEventSubjects } from './flags/events.js';
import { IsoTime } from './primitives.js';
import { ReportEventSchemas, ReportEventSubjects } from './reports/events.js';
import { SessionEventSchemas, SessionEventSubjects } from './sessions/events.js';
import { SignInEventSchemas, SignInEventSubjects } from './sign-in/events.js';
import type { Check, NoSharedKeys } from './slice-maps.js';

export const EventSubjects = {
  ...SessionEventSubjects,
  ...CheckinEventSubjects,
  ...ReportEventSubjects,
  ...FlagEventSubjects,
  ...DirectoryEventSubjects,
  ...DeviceEventSubjects,
  ...SignInEventSubjects,
} as const;
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

export const EventTypePrefix = 'edu.classconnect.';

export const EventSchemas = {
  ...SessionEventSchemas,
  ...CheckinEventSchemas,
  ...ReportEventSchemas,
  ...FlagEventSchemas,
  ...DirectoryEventSchemas,
  ...DeviceEventSchemas,
  ...SignInEventSchemas,
} as const satisfies Record<EventSubject, z.ZodType>;

// A name or a subject two contexts both declared would be joined silently: the compiler refuses it here.
type NamesOnce = Check<
  NoSharedKeys<
    [
      typeof SessionEventSubjects,
      typeof CheckinEventSubjects,
      typeof ReportEventSubjects,
      typeof FlagEventSubjects,
      typeof DirectoryEventSubjects,
      typeof DeviceEventSubjects,
      typeof SignInEventSubjects,
    ]
  >
>;
type SubjectsOnce = Check<
  NoSharedKeys<
    [
      typeof SessionEventSchemas,
      typeof CheckinEventSchemas,
      typeof ReportEventSchemas,
      typeof FlagEventSchemas,
      typeof DirectoryEventSchemas,
      typeof DeviceEventSchemas,
      typeof SignInEventSchemas,
    ]
  >
>;

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
