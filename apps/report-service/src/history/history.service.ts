import { Inject, Injectable } from '@nestjs/common';
import {
  DefaultExcusedPolicy,
  DomainError,
  ErrorCode,
  attendanceRate,
  authorize,
  inScope,
  type Actor,
  type AttendanceRate,
  type AttendanceStatus,
  type CourseHistoryReply,
  type MyHistoryReply,
  type StudentHistory,
} from '@classconnect/contracts';
import { IdentityClient } from '@classconnect/messaging';
import { HistoryStore, type HistoryRow } from './history.ports.js';

const zero = (): Record<AttendanceStatus, number> => ({ present: 0, late: 0, excused: 0, absent: 0 });

/** A large course's roster may take identity-service longer than the default wait. */
const RosterTimeoutMs = 10_000;

const byName = (a: { name: string; studentId: string }, b: { name: string; studentId: string }) =>
  a.name.localeCompare(b.name) || a.studentId.localeCompare(b.studentId);

/** Attendance over time, from the built reports of closed sessions: a course's for its teachers, a student's own. */
@Injectable()
export class HistoryService {
  constructor(
    @Inject(HistoryStore) private readonly store: HistoryStore,
    @Inject(IdentityClient) private readonly identity: IdentityClient,
  ) {}

  async courseHistory(actor: Actor, courseId: string): Promise<CourseHistoryReply> {
    const scope = authorize(actor, 'history.read-course');
    const course = await this.identity.course(courseId);
    if (!inScope(scope, { teaches: course.teacherIds.includes(actor.userId) })) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, 'Only the course’s teachers and administrators can read its attendance history.');
    }
    const [sessions, roster] = await Promise.all([this.store.closedSessionsOfCourse(courseId), this.identity.roster(courseId, { timeoutMs: RosterTimeoutMs })]);

    const students = new Map<string, StudentHistory>();
    for (const s of roster) {
      students.set(s.id, { studentId: s.id, name: s.name, email: s.email, enrolled: true, sessions: 0, counts: zero(), rate: null, statuses: {} });
    }
    // Newest first: a former student keeps the name their latest report gave them.
    for (const session of sessions) {
      for (const row of session.rows) {
        let entry = students.get(row.studentId);
        if (!entry) {
          entry = { studentId: row.studentId, name: row.name, email: row.email, enrolled: false, sessions: 0, counts: zero(), rate: null, statuses: {} };
          students.set(row.studentId, entry);
        }
        entry.sessions++;
        entry.counts[row.status]++;
        entry.statuses![session.sessionId] = row.status;
      }
    }
    const excusedPolicy = course.excusedPolicy ?? DefaultExcusedPolicy;
    for (const entry of students.values()) entry.rate = attendanceRate(entry.counts, excusedPolicy);

    return {
      courseId,
      courseCode: course.code,
      courseTitle: course.title,
      timeZone: course.timeZone ?? 'UTC',
      excusedPolicy,
      sessions: sessions.map((s) => ({
        sessionId: s.sessionId,
        ...(s.openedAt ? { openedAt: s.openedAt } : {}),
        closedAt: s.closedAt,
        counts: countOf(s.rows),
        listed: s.rows.length,
      })),
      students: [...students.values()].sort(byName),
    };
  }

  /** The actor's own status in each closed session of each course they attend now; never anyone else's. */
  async myHistory(actor: Actor): Promise<MyHistoryReply> {
    authorize(actor, 'history.read-own'); // scope self: only the actor's own rows are read below
    const courses = (await this.identity.coursesOf(actor.userId)).filter((c) => c.relation === 'student');
    if (courses.length === 0) return { courses: [] };
    const sessions = await this.store.closedSessionsOfStudent(
      actor.userId,
      courses.map((c) => c.id),
    );
    return {
      courses: courses.map((c) => {
        const mine = sessions
          .filter((s) => s.courseId === c.id)
          .flatMap((s) => {
            const row = s.rows.find((r) => r.studentId === actor.userId);
            return row ? [{ sessionId: s.sessionId, ...(s.openedAt ? { openedAt: s.openedAt } : {}), closedAt: s.closedAt, status: row.status, changedByHand: row.changedByHand }] : [];
          });
        const counts = zero();
        for (const s of mine) counts[s.status]++;
        const excusedPolicy = c.excusedPolicy ?? DefaultExcusedPolicy;
        return { courseId: c.id, courseCode: c.code, courseTitle: c.title, sessions: mine, counts, rate: attendanceRate(counts, excusedPolicy), excusedPolicy };
      }),
    };
  }
}

function countOf(rows: HistoryRow[]): Record<AttendanceStatus, number> {
  const counts = zero();
  for (const r of rows) counts[r.status]++;
  return counts;
}
