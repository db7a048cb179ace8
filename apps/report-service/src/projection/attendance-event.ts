import { EventSchemas, EventSubjects, eventTypeOf, type EventData, type EventSubject } from '@classconnect/contracts';
import { decodeEvent } from '@classconnect/messaging';

/** An attendance fact this service projects, with its data checked against the subject's schema. */
export type AttendanceEvent =
  | { kind: typeof EventSubjects.sessionOpened; data: EventData<typeof EventSubjects.sessionOpened> }
  | { kind: typeof EventSubjects.sessionClosed; data: EventData<typeof EventSubjects.sessionClosed> }
  | { kind: typeof EventSubjects.sessionReopened; data: EventData<typeof EventSubjects.sessionReopened> }
  | { kind: typeof EventSubjects.checkinVerified; data: EventData<typeof EventSubjects.checkinVerified> }
  | { kind: typeof EventSubjects.checkinRejected; data: EventData<typeof EventSubjects.checkinRejected> }
  | { kind: typeof EventSubjects.checkinRejectedV2; data: EventData<typeof EventSubjects.checkinRejectedV2> }
  | { kind: typeof EventSubjects.checkinRejectedV3; data: EventData<typeof EventSubjects.checkinRejectedV3> }
  | { kind: typeof EventSubjects.markRecorded; data: EventData<typeof EventSubjects.markRecorded> }
  | { kind: typeof EventSubjects.markRecordedV2; data: EventData<typeof EventSubjects.markRecordedV2> }
  | { kind: typeof EventSubjects.markChanged; data: EventData<typeof EventSubjects.markChanged> }
  | { kind: typeof EventSubjects.checkinFlagged; data: EventData<typeof EventSubjects.checkinFlagged> };

const Projected = new Set<EventSubject>([
  EventSubjects.sessionOpened,
  EventSubjects.sessionClosed,
  EventSubjects.sessionReopened,
  EventSubjects.checkinVerified,
  EventSubjects.checkinRejected,
  EventSubjects.checkinRejectedV2,
  EventSubjects.checkinRejectedV3,
  EventSubjects.markRecorded,
  EventSubjects.markRecordedV2,
  EventSubjects.markChanged,
  EventSubjects.checkinFlagged,
]);

export type DecodeResult =
  | { ok: true; event: AttendanceEvent }
  /** A subject we do not project (report.ready, or a version newer than this code): skip it. */
  | { ok: false; ignored: true; type: string }
  /** Not a valid event at all: redelivering cannot help, so it is skipped with a warning. */
  | { ok: false; ignored: false; error: string };

/**
 * Decodes a message of the ATTENDANCE stream into an event this service projects. The subject
 * picks the schema; the CloudEvent's type must agree with it.
 */
export function decodeAttendanceEvent(subject: string, bytes: Uint8Array): DecodeResult {
  if (!Projected.has(subject as EventSubject)) return { ok: false, ignored: true, type: subject };
  const kind = subject as AttendanceEvent['kind'];
  let envelope;
  try {
    envelope = decodeEvent(bytes);
  } catch (err) {
    return { ok: false, ignored: false, error: `not a CloudEvent: ${(err as Error).message}` };
  }
  if (envelope.type !== eventTypeOf(kind)) return { ok: false, ignored: false, error: `type ${envelope.type} does not match subject ${subject}` };
  const parsed = EventSchemas[kind].safeParse(envelope.data);
  if (!parsed.success) return { ok: false, ignored: false, error: `invalid ${envelope.type} data: ${parsed.error.message}` };
  return { ok: true, event: { kind, data: parsed.data } as AttendanceEvent };
}
