/**
 * Check-in flags (anti-cheating signals; a teacher decides), on the stream ATTENDANCE. events.ts
 * joins them into EventSubjects and EventSchemas. A published type is never changed: a new version
 * (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';

/**
 * Signs that an accepted check-in may not be what it seems. A new code needs a new event version.
 * - ACCURACY_ZERO: the position was reported with an accuracy of exactly 0 m (spoofing tools do that; devices do not).
 * - IDENTICAL_POSITION: exactly the same coordinates as another student of the session.
 * - IMPOSSIBLE_TRAVEL: the student's previous check-in, in another session, was too far away for the time between them.
 * - SHARED_DEVICE: another student of the session checked in from the same device within seconds.
 * - CONCURRENT_USE: the account was used from another device within seconds of this check-in.
 */
export const CheckinFlagCodes = ['ACCURACY_ZERO', 'IDENTICAL_POSITION', 'IMPOSSIBLE_TRAVEL', 'SHARED_DEVICE', 'CONCURRENT_USE'] as const;
export const CheckinFlagCode = z.enum(CheckinFlagCodes);
export type CheckinFlagCode = z.infer<typeof CheckinFlagCode>;
/** One flag: a code and a sentence for the teacher. Never a coordinate. */
export const CheckinFlag = z.object({ code: CheckinFlagCode, detail: z.string().min(1).max(500) });
export type CheckinFlag = z.infer<typeof CheckinFlag>;
/**
 * Flags found for one accepted check-in. A flag found later (a second student at the same
 * coordinates) flags the earlier check-in with an event of its own: consumers keep the union per
 * (submissionId, code).
 */
export const CheckinFlaggedV1 = z.object({
  sessionId: Id,
  courseId: Id,
  studentId: Id,
  submissionId: z.string(),
  flags: z.array(CheckinFlag).min(1),
  flaggedAt: IsoTime,
});

export const FlagStreamEvents = {
  /** An accepted check-in shows a sign a teacher should look at. A flag never rejects by itself. */
  checkinFlagged: streamEvent('attendance.checkin.flagged.v1', CheckinFlaggedV1),
};
