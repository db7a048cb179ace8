/**
 * Reports (report-service, request/reply on NATS core): a closed session's report, a course's
 * attendance history, a student's own history and records. Built from the ATTENDANCE stream.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import type { CheckinFlag } from '../flags/events.js';
import { Actor, Id } from '../primitives.js';
import type { AttendanceStatus } from '../sessions/events.js';
import { SessionRefRequest, type MarkOverride } from '../sessions/rpc.js';
import { command } from '../slice-maps.js';
import type { ExcusedPolicy } from '../warnings/events.js';
import type { ReportIncomplete } from './events.js';

export interface ReportRow {
  studentId: string;
  name: string;
  email: string;
  /** present / absent, and since manual marking also late / excused. */
  status: AttendanceStatus;
  /** The original proof of an accepted check-in, kept when a teacher changes the status. */
  checkedInAt?: string;
  distanceM?: number;
  accuracyM?: number;
  methods?: string[];
  /** The last rejection's reason, for students who tried and were refused. */
  lastRejection?: string;
  /** The status the check-in gave (present / late), when there was one and a teacher changed it. */
  checkinStatus?: 'present' | 'late';
  /** The latest change by hand, with its reason: the row's status is this one's. */
  override?: MarkOverride;
  /** Check-in flags on the student's accepted check-in (signals for the teacher; they reject nothing). */
  flags?: CheckinFlag[];
}
export interface ReportReply {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  openedAt: string;
  closedAt: string;
  /** present + late */
  presentCount: number;
  /** absent + excused */
  absentCount: number;
  /** How many rows have each status. */
  counts?: Record<AttendanceStatus, number>;
  /** 0 as first built; +1 for each change by hand applied after that. */
  revision?: number;
  rows: ReportRow[];
  /** Present once the retention period removed the detailed evidence (distances, methods, rejections): statuses and changes stay. */
  evidenceRemoved?: true;
  evidenceRemovedAt?: string;
  /** Present while the report was built without some events it waited for; a `report:updated` follows as they arrive. */
  incomplete?: ReportIncomplete;
  /** Added later: the course's settings as they are now — the zone its times are shown in, and how excused rows count in `rate`. */
  timeZone?: string;
  excusedPolicy?: ExcusedPolicy;
  /** Added later: the session's attendance rate under the course's excused policy (see AttendanceRate); null when no row counts. */
  rate?: AttendanceRate;
}

// ---------- history ----------
/**
 * Attendance rate of a student in a course: (present + late) / the closed sessions of the course
 * whose report lists the student (they were enrolled when the session opened, or checked in).
 * Excused sessions count as the course's excused policy says: left out (`exclude`, the default:
 * neither attended nor missed), as attended, or as absent. null when no session counts. A
 * session's rate is the same over its rows.
 */
export type AttendanceRate = number | null;

export const CourseHistoryRequest = z.object({ actor: Actor, courseId: Id }).strict();
export type CourseHistoryRequest = z.infer<typeof CourseHistoryRequest>;

/** One closed session of a course, as its built report stands now (marks by hand after Stop included). */
export interface HistorySession {
  sessionId: string;
  /** Absent when the report was built without the session's open event. */
  openedAt?: string;
  closedAt: string;
  /** Rows of the report per status. */
  counts: Record<AttendanceStatus, number>;
  /** Rows in the report: the students enrolled when it opened (plus anyone marked present). */
  listed: number;
}

/** One student's attendance over a course's closed sessions. */
export interface StudentHistory {
  studentId: string;
  name: string;
  email: string;
  /** Enrolled in the course now (false: listed in past reports only). */
  enrolled: boolean;
  /** Closed sessions whose report lists the student: the rate's denominator. */
  sessions: number;
  counts: Record<AttendanceStatus, number>;
  rate: AttendanceRate;
  /** The student's status in each listed session, by session id (the whole-course export's grid). */
  statuses?: Record<string, AttendanceStatus>;
}

export interface CourseHistoryReply {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  /** Added later: the course's time zone (IANA) and the excused policy its rates follow. */
  timeZone?: string;
  excusedPolicy?: ExcusedPolicy;
  /** Every closed session with a built report, newest first. */
  sessions: HistorySession[];
  /** Students enrolled now and anyone listed in a past report, sorted by name. */
  students: StudentHistory[];
}

export const MyHistoryRequest = z.object({ actor: Actor }).strict();
export type MyHistoryRequest = z.infer<typeof MyHistoryRequest>;

/** A closed session of one of the student's courses, with the student's own status in it. */
export interface MySessionEntry {
  sessionId: string;
  openedAt?: string;
  closedAt: string;
  status: AttendanceStatus;
  /** true when a teacher set this status by hand. */
  changedByHand: boolean;
}

export interface MyCourseHistory {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  /** Newest first; only sessions whose report lists the student. */
  sessions: MySessionEntry[];
  counts: Record<AttendanceStatus, number>;
  rate: AttendanceRate;
  /** Added later: how excused sessions count in `rate` (the course's policy). */
  excusedPolicy?: ExcusedPolicy;
}

export interface MyHistoryReply {
  /** The courses the user attends now (as identity-service says), in its order. */
  courses: MyCourseHistory[];
}

// ---------- own records ----------
export const MyRecordsRequest = z.object({ actor: Actor }).strict();
export type MyRecordsRequest = z.infer<typeof MyRecordsRequest>;
/** One closed session as the student's own record: status, times, proof (while kept), changes by hand. */
export interface MyRecord {
  courseId: string;
  courseCode: string;
  courseTitle: string;
  sessionId: string;
  openedAt?: string;
  closedAt: string;
  status: AttendanceStatus;
  checkedInAt?: string;
  /** What the check-in gave, when a teacher changed the status afterwards. */
  checkinStatus?: 'present' | 'late';
  /** How presence was proven; absent once the evidence was removed (evidenceRemoved). */
  methods?: string[];
  distanceM?: number;
  accuracyM?: number;
  lastRejection?: string;
  override?: MarkOverride;
  /** The detailed evidence of this session was removed after the retention period: only the status remains. */
  evidenceRemoved: boolean;
}
export interface MyRecordsReply {
  studentId: string;
  generatedAt: string;
  /** Every closed session whose report lists the student, newest first. */
  records: MyRecord[];
}

export const ReportRpc = {
  reportGet: command('cc.report.get.v1', SessionRefRequest).replies<ReportReply>(),
  reportCourseHistory: command('cc.report.course-history.v1', CourseHistoryRequest).replies<CourseHistoryReply>(),
  reportMyHistory: command('cc.report.my-history.v1', MyHistoryRequest).replies<MyHistoryReply>(),
  reportMyRecords: command('cc.report.my-records.v1', MyRecordsRequest).replies<MyRecordsReply>(),
};
