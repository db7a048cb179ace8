/**
 * Facts about live sessions, on the stream ATTENDANCE: a session opened or closed, a status set by
 * hand. events.ts joins them into EventSubjects and EventSchemas. A published type is never
 * changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';

/** A student's attendance in a session. A check-in gives present or late; a teacher may set any of them. */
export const AttendanceStatus = z.enum(['present', 'late', 'excused', 'absent']);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;
/** The closedBy of a session that closed itself (it reached the maximum session length): the nil UUID. */
export const SystemActorId = '00000000-0000-0000-0000-000000000000';

/** Why a session closed: Stop pressed, its maximum length reached, or its live state lost (see SessionClosedV1). */
export const SessionCloseReasons = ['stopped', 'max-length', 'state-lost'] as const;
/** The reasons session.closed.v1 was published with; it never gets another. */
export const SessionCloseReasonsV1 = ['stopped', 'max-length'] as const;
export type SessionCloseReason = (typeof SessionCloseReasons)[number];

export const SessionOpenedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  courseCode: z.string(),
  courseTitle: z.string(),
  teacherId: Id,
  openedAt: IsoTime,
  radiusM: z.number(),
  /** Everyone enrolled when the session opened: the report's denominator. */
  enrolledStudentIds: z.array(Id),
  /** Added later, optional: present when the session uses rotating QR codes. */
  qr: z.object({ mode: z.enum(['offered', 'required']), stepSeconds: z.number().int() }).optional(),
  /** Added later, optional: the room the session was started from (its name, never its coordinates). */
  room: z.object({ id: Id, name: z.string(), building: z.string().optional() }).optional(),
});
export const SessionClosedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  closedAt: IsoTime,
  /** Who pressed Stop; the nil UUID (SystemActorId) when the session closed itself. */
  closedBy: Id,
  /** Everyone marked present when the session closed: the report waits until it has each mark. */
  presentStudentIds: z.array(Id),
  /**
   * Added later, optional: why it closed. Absent on events from before it was added (they were all
   * `stopped`). Frozen: reasons added since are in session.closed.v2, and v1 carries the nearest
   * one it knows (`state-lost` → `max-length`: closed by the system).
   */
  closeReason: z.enum(SessionCloseReasonsV1).optional(),
});
/**
 * The same fact as session.closed.v1, with every reason: `state-lost` means the live session store
 * (Redis) came back empty while the session was open, so it could take no more check-ins; closedBy
 * is the nil UUID and presentStudentIds lists every mark already in the stream. Published first,
 * then v1. Read a reason you do not know as a close by the system.
 */
export const SessionClosedV2 = SessionClosedV1.extend({ closeReason: z.enum(SessionCloseReasons) });

/** The reason session.closed.v1 carries for each reason: the nearest one it knows. */
export function closeReasonInV1(reason: SessionCloseReason): (typeof SessionCloseReasonsV1)[number] {
  return reason === 'state-lost' ? 'max-length' : reason;
}

/**
 * A session stopped by mistake was reopened by its teacher (or an admin) within the reopen window:
 * it takes check-ins again, as it did before Stop. The close it undoes (previousClosedAt) no longer
 * stands; a report built from it is replaced by the one built at the next close.
 */
export const SessionReopenedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  reopenedAt: IsoTime,
  reopenedBy: Id,
  /** The closedAt of the close this reopening undoes. */
  previousClosedAt: IsoTime,
  /** 1 for the first reopening of the session, 2 for the next, …: the latest one is the one that stands. */
  reopenCount: z.number().int().positive(),
});

export const MarkChangedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  status: AttendanceStatus,
  /** The status before this change: from the previous change, else the check-in (present/late), else absent. */
  previousStatus: AttendanceStatus,
  reason: z.string().min(1).max(500),
  changedBy: Id,
  changedAt: IsoTime,
  /** 1, 2, 3, … per (session, student): the highest is the current status. */
  sequence: z.number().int().positive(),
});

export const SessionStreamEvents = {
  sessionOpened: streamEvent('attendance.session.opened.v1', SessionOpenedV1),
  sessionClosed: streamEvent('attendance.session.closed.v1', SessionClosedV1),
  /** Like session.closed.v1, with every close reason (state-lost). Published first, then v1 with the nearest reason. */
  sessionClosedV2: streamEvent('attendance.session.closed.v2', SessionClosedV2),
  /** A stopped session taken back to open within the reopen window. */
  sessionReopened: streamEvent('attendance.session.reopened.v1', SessionReopenedV1),
  /** A teacher (or admin) set a student's status by hand. */
  markChanged: streamEvent('attendance.mark.changed.v1', MarkChangedV1),
};
