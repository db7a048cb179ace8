/**
 * Low-attendance warnings on the socket: a course's open warnings for its teachers, a student's
 * own, the course's thresholds; pushes when one is raised or cleared. socket.ts joins these into
 * the client and server event maps. Event names are never renamed.
 */
import { z } from 'zod';
import { EmptyRequest, Id } from '../primitives.js';
import { clientEvent, serverEvent } from '../slice-maps.js';
import { WarningThresholds, type WarningFigures, type WarningKind } from './events.js';
import type { CourseWarningsReply, MyWarningsReply } from './rpc.js';

export const WarningClientEvents = {
  warningsCourse: clientEvent('warnings:course', z.object({ courseId: Id }).strict()).acks<CourseWarningsReply>(),
  warningsMine: clientEvent('warnings:mine', EmptyRequest).acks<MyWarningsReply>(),
  warningsThresholdsSet: clientEvent('warnings:thresholds:set', z.object({ courseId: Id, thresholds: WarningThresholds.nullable() }).strict()).acks<CourseWarningsReply>(),
};

/** What a raise or a clear pushes: to the student themself and to the course's teachers. */
export interface WarningPush {
  warningId: string;
  courseId: string;
  studentId: string;
  kind: WarningKind;
  figures: WarningFigures;
  raisedAt: string;
  clearedAt?: string;
}

export const WarningServerEvents = {
  warningRaised: serverEvent('warning:raised').carries<WarningPush>(),
  warningCleared: serverEvent('warning:cleared').carries<WarningPush & { clearedAt: string }>(),
};
