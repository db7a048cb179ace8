/**
 * Reports on the socket: a session's report, a course's history, a student's own history; the
 * course's teachers hear when a report is ready or changed. socket.ts joins these into the client
 * and server event maps. Event names are never renamed: a changed payload gets a new event name
 * beside the old one.
 */
import { z } from 'zod';
import { EmptyRequest, Id } from '../primitives.js';
import type { AttendanceStatus } from '../sessions/events.js';
import type { ValueOf } from '../slice-maps.js';
import type { ReportIncomplete } from './events.js';
import type { CourseHistoryReply, MyHistoryReply, ReportReply } from './rpc.js';

export const ReportClientEvents = {
  reportGet: 'report:get',
  historyCourse: 'history:course',
  historyMine: 'history:mine',
} as const;

export const ReportClientPayloads = {
  [ReportClientEvents.reportGet]: z.object({ sessionId: Id }).strict(),
  [ReportClientEvents.historyCourse]: z.object({ courseId: Id }).strict(),
  [ReportClientEvents.historyMine]: EmptyRequest,
} as const satisfies Record<ValueOf<typeof ReportClientEvents>, z.ZodType>;

export interface ReportClientAcks {
  [ReportClientEvents.reportGet]: ReportReply;
  [ReportClientEvents.historyCourse]: CourseHistoryReply;
  [ReportClientEvents.historyMine]: MyHistoryReply;
}

export const ReportServerEvents = {
  reportReady: 'report:ready',
  reportUpdated: 'report:updated',
} as const;

export interface ReportServerPayloads {
  /** `incomplete`: built without some events it waited for; `report:updated` follows as they arrive. */
  [ReportServerEvents.reportReady]: { sessionId: string; courseId: string; presentCount: number; absentCount: number; incomplete?: ReportIncomplete };
  /** To the course's teachers: a built report changed; fetch it again. */
  [ReportServerEvents.reportUpdated]: {
    sessionId: string;
    courseId: string;
    presentCount: number;
    absentCount: number;
    counts: Record<AttendanceStatus, number>;
    revision: number;
    /** Still built without some events (absent: complete). */
    incomplete?: ReportIncomplete;
  };
}
