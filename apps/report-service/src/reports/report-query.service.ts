import { Inject, Injectable } from '@nestjs/common';
import { DefaultExcusedPolicy, DomainError, ErrorCode, attendanceRate, authorize, inScope, type Actor, type CheckinFlag, type CourseReply, type ReportReply, type ReportRow, type SessionFlagsReply } from '@classconnect/contracts';
import { IdentityClient } from '@classconnect/messaging';
import { countStatuses } from './report-builder.js';
import { ReportStore } from './report.ports.js';

/** Serves stored reports to the people allowed to read them. */
@Injectable()
export class ReportQueryService {
  constructor(
    @Inject(ReportStore) private readonly store: ReportStore,
    @Inject(IdentityClient) private readonly identity: IdentityClient,
  ) {}

  async get(actor: Actor, sessionId: string): Promise<ReportReply> {
    const { session, course: known } = await this.readable(actor, sessionId);
    const report = await this.store.findReport(sessionId);
    if (!report || !session.closedAt) {
      throw new DomainError(ErrorCode.REPORT_NOT_READY, 'The report for this session is not ready yet. It is built when the session is stopped.');
    }
    // The course's settings as they are now: a change of policy or zone shows on every report at once.
    const course = known ?? (await this.identity.course(report.courseId));
    const counts = countStatuses(report.rows);
    const excusedPolicy = course.excusedPolicy ?? DefaultExcusedPolicy;
    return {
      sessionId,
      courseId: report.courseId,
      courseCode: session.courseCode ?? '',
      courseTitle: session.courseTitle ?? '',
      openedAt: session.openedAt ?? '',
      closedAt: session.closedAt,
      presentCount: report.presentCount,
      absentCount: report.absentCount,
      counts,
      revision: report.revision ?? 0,
      rows: withFlags(report.rows, await this.store.flagsOf(sessionId)),
      ...(report.evidenceRemovedAt ? { evidenceRemoved: true as const, evidenceRemovedAt: report.evidenceRemovedAt } : {}),
      ...(report.incomplete ? { incomplete: report.incomplete } : {}),
      timeZone: course.timeZone ?? 'UTC',
      excusedPolicy,
      rate: attendanceRate(counts, excusedPolicy),
    };
  }

  /** Check-in flags found so far in a session, open or closed (the live roster reads them after a reload). */
  async flags(actor: Actor, sessionId: string): Promise<SessionFlagsReply> {
    await this.readable(actor, sessionId);
    const flags = await this.store.flagsOf(sessionId);
    return { sessionId, students: [...flags].map(([studentId, list]) => ({ studentId, flags: list })) };
  }

  /**
   * The session, when the actor may read its report: an administrator, or one of the course's
   * teachers; with the course when it had to be asked for to decide.
   */
  private async readable(actor: Actor, sessionId: string) {
    const scope = authorize(actor, 'report.read');
    const session = await this.store.findSession(sessionId);
    if (!session) throw new DomainError(ErrorCode.SESSION_NOT_FOUND, 'There is no such session.');
    let course: CourseReply | undefined;
    const teaches = scope === 'any' || session.teacherId === actor.userId || (course = await this.identity.course(session.courseId)).teacherIds.includes(actor.userId);
    if (!inScope(scope, { teaches })) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, 'Only the course’s teachers and administrators can read this report.');
    }
    return { session, course };
  }
}

/**
 * Check-in flags are read with the report, not stored in it: a flag found after the report was
 * built (events of one session may arrive in any order) shows at once, without a new revision.
 */
function withFlags(rows: ReportRow[], flags: Map<string, CheckinFlag[]>): ReportRow[] {
  if (flags.size === 0) return rows;
  return rows.map((r) => (flags.has(r.studentId) ? { ...r, flags: flags.get(r.studentId)! } : r));
}
