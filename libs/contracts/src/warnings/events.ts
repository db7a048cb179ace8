/**
 * Low-attendance warnings, on the stream ATTENDANCE: report-service raises one when a student's
 * attendance in a course falls below the course's thresholds and clears it when it no longer does.
 * events.ts joins them into EventSubjects and EventSchemas. A published type is never changed: a
 * new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';
import { InputLimits } from '../limits.js';

/**
 * LOW_RATE: the attendance rate is below `minRate` after at least `minSessions` counted sessions;
 * CONSECUTIVE_ABSENCES: the latest `consecutiveAbsences` counted sessions were all missed.
 */
export const WarningKind = z.enum(['LOW_RATE', 'CONSECUTIVE_ABSENCES']);
export type WarningKind = z.infer<typeof WarningKind>;

/**
 * How an excused session counts: `exclude` leaves it out (neither attended nor missed, and it does
 * not break a run of absences), `absent` counts it as missed, `attended` as attended.
 */
export const ExcusedPolicy = z.enum(['exclude', 'absent', 'attended']);
export type ExcusedPolicy = z.infer<typeof ExcusedPolicy>;

/** The thresholds a course's warnings are decided with. */
export const WarningThresholds = z
  .object({
    /** A rate below this (0 … 1) raises LOW_RATE … */
    minRate: z.number().min(InputLimits.warningMinRate.min).max(InputLimits.warningMinRate.max),
    /** … once at least this many sessions count. */
    minSessions: z.number().int().min(InputLimits.warningMinSessions.min).max(InputLimits.warningMinSessions.max),
    /** This many missed sessions in a row raise CONSECUTIVE_ABSENCES; 0 turns that warning off. */
    consecutiveAbsences: z.number().int().min(InputLimits.warningConsecutiveAbsences.min).max(InputLimits.warningConsecutiveAbsences.max),
    excusedPolicy: ExcusedPolicy,
  })
  .strict();
export type WarningThresholds = z.infer<typeof WarningThresholds>;

/** Where the student stood when the warning was decided. */
export const WarningFigures = z.object({
  /** Attended ÷ counted sessions under the excused policy; null with no counted session. */
  rate: z.number().min(0).max(1).nullable(),
  /** Sessions counted under the excused policy. */
  countedSessions: z.number().int().min(0),
  /** Missed sessions in a row, newest first, under the excused policy. */
  consecutiveAbsences: z.number().int().min(0),
});
export type WarningFigures = z.infer<typeof WarningFigures>;

const WarningBase = z.object({
  /** One id per warning: the raise and its clear carry the same. */
  warningId: Id,
  courseId: Id,
  studentId: Id,
  kind: WarningKind,
  thresholds: WarningThresholds,
  figures: WarningFigures,
  /** The closed session whose report, as it stood, decided this. */
  sessionId: Id,
});

export const WarningRaisedV1 = WarningBase.extend({ raisedAt: IsoTime });
/**
 * RECOVERED: the figures are back within the thresholds; THRESHOLDS_CHANGED: the course's
 * thresholds changed and no longer hold it; NOT_LISTED: the course's newest report does not list
 * the student (no longer enrolled).
 */
export const WarningClearReason = z.enum(['RECOVERED', 'THRESHOLDS_CHANGED', 'NOT_LISTED']);
export type WarningClearReason = z.infer<typeof WarningClearReason>;

export const WarningClearedV1 = WarningBase.extend({ raisedAt: IsoTime, clearedAt: IsoTime, reason: WarningClearReason });

export const WarningStreamEvents = {
  warningRaised: streamEvent('attendance.warning.raised.v1', WarningRaisedV1),
  warningCleared: streamEvent('attendance.warning.cleared.v1', WarningClearedV1),
};
