/**
 * Low-attendance warnings (report-service, request/reply on NATS core): a course's open warnings
 * and thresholds for its teachers, a student's own warnings, and a course's own thresholds.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, Id } from '../primitives.js';
import { command } from '../slice-maps.js';
import { WarningThresholds, type WarningFigures, type WarningKind } from './events.js';

/** An open warning as the web client shows it. */
export interface OpenWarning {
  warningId: string;
  courseId: string;
  studentId: string;
  kind: WarningKind;
  /** The thresholds it was raised under. */
  thresholds: WarningThresholds;
  figures: WarningFigures;
  raisedAt: string;
}

export const CourseWarningsRequest = z.object({ actor: Actor, courseId: Id }).strict();
export type CourseWarningsRequest = z.infer<typeof CourseWarningsRequest>;
export interface CourseWarningsReply {
  courseId: string;
  /** The thresholds in effect: the course's own, or the deployment's. */
  thresholds: WarningThresholds;
  /** true when the course has its own thresholds. */
  overridden: boolean;
  /** Open warnings, each student's oldest first. */
  warnings: (OpenWarning & { name: string; email: string })[];
}

export const MyWarningsRequest = z.object({ actor: Actor }).strict();
export type MyWarningsRequest = z.infer<typeof MyWarningsRequest>;
export interface MyWarningsReply {
  /** The actor's own open warnings, in every course. */
  warnings: (OpenWarning & { courseCode: string; courseTitle: string })[];
}

/** `thresholds: null` goes back to the deployment's defaults. */
export const SetWarningThresholdsRequest = z.object({ actor: Actor, courseId: Id, thresholds: WarningThresholds.nullable() }).strict();
export type SetWarningThresholdsRequest = z.infer<typeof SetWarningThresholdsRequest>;

export const WarningRpc = {
  reportCourseWarnings: command('cc.report.warnings.course.v1', CourseWarningsRequest).replies<CourseWarningsReply>(),
  reportMyWarnings: command('cc.report.warnings.mine.v1', MyWarningsRequest).replies<MyWarningsReply>(),
  reportSetWarningThresholds: command('cc.report.warnings.thresholds.set.v1', SetWarningThresholdsRequest).replies<CourseWarningsReply>(),
};
