/**
 * Facts about reports, on the stream ATTENDANCE: a session's report is ready, or changed after it
 * was announced. events.ts joins them into EventSubjects and EventSchemas. A published type is
 * never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';

/**
 * A report built before every event it waits for had arrived: once `REPORT_MARK_WAIT_MS` has passed
 * after the close, the report is built with what is there and says so. It is rebuilt (report.updated)
 * as the missing events arrive, late or replayed, and this goes away once nothing is missing.
 */
export const ReportIncomplete = z.object({
  /** EVENTS_MISSING: the wait after the close ran out before the events below arrived. */
  reason: z.enum(['EVENTS_MISSING']),
  /** Students the close lists as present whose check-in had not arrived: counted present, without time or proof. */
  missingStudentIds: z.array(Id),
  /** The session's opening had not arrived: the enrolled students who did not check in are not in the report yet. */
  openedMissing: z.boolean(),
});
export type ReportIncomplete = z.infer<typeof ReportIncomplete>;

export const ReportUpdatedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  /** Students in the room: present + late. */
  presentCount: z.number().int(),
  /** Students not in the room: absent + excused. */
  absentCount: z.number().int(),
  counts: z.object({ present: z.number().int(), late: z.number().int(), excused: z.number().int(), absent: z.number().int() }),
  /** 1 for the first update after report.ready, then 2, 3, … */
  revision: z.number().int().positive(),
  updatedAt: IsoTime,
  /** Present while this revision is still built without some events; absent once the report is complete. */
  incomplete: ReportIncomplete.optional(),
});

export const ReportReadyV1 = z.object({
  sessionId: Id,
  courseId: Id,
  presentCount: z.number().int(),
  absentCount: z.number().int(),
  readyAt: IsoTime,
  /** Present when the report was built without some events it waited for; report.updated follows as they arrive. */
  incomplete: ReportIncomplete.optional(),
});

export const ReportStreamEvents = {
  reportReady: streamEvent('attendance.report.ready.v1', ReportReadyV1),
  /** A report already announced as ready changed (a mark changed by hand after the session closed). */
  reportUpdated: streamEvent('attendance.report.updated.v1', ReportUpdatedV1),
};
