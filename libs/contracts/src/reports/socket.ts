/**
 * Reports on the socket: a session's report, a course's history, a student's own history; the
 * course's teachers hear when a report is ready or changed. socket.ts joins these into the client
 * and server event maps. Event names are never renamed: a changed payload gets a new event name
 * beside the old one.
 */
import { z } from 'zod';
import { EmptyRequest, Id } from '../primitives.js';
import type { AttendanceStatus } from '../sessions/events.js';
import { clientEvent, serverEvent } from '../slice-maps.js';
import type { ReportIncomplete } from './events.js';
import type { CourseHistoryReply, MyHistoryReply, ReportReply } from './rpc.js';

export const ReportClientEvents = {
  reportGet: clientEvent('report:get', z.object({ sessionId: Id }).strict()).acks<ReportReply>(),
  historyCourse: clientEvent('history:course', z.object({ courseId: Id }).strict()).acks<CourseHistoryReply>(),
  historyMine: clientEvent('history:mine', EmptyRequest).acks<MyHistoryReply>(),
};

export const ReportServerEvents = {
  /** `incomplete`: built without some events it waited for; `report:updated` follows as they arrive. */
  reportReady: serverEvent('report:ready').carries<{ sessionId: string; courseId: string; presentCount: number; absentCount: number; incomplete?: ReportIncomplete }>(),
  /** To the course's teachers: a built report changed; fetch it again. */
  reportUpdated: serverEvent('report:updated').carries<{
    sessionId: string;
    courseId: string;
    presentCount: number;
    absentCount: number;
    counts: Record<AttendanceStatus, number>;
    revision: number;
    /** Still built without some events (absent: complete). */
    incomplete?: ReportIncomplete;
  }>(),
};
