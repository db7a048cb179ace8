import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, authorize, inScope, type Actor, type ReportReply } from '@classconnect/contracts';
import { countStatuses } from './report-builder.js';
import { ReportStore, UserDirectory } from './report.ports.js';

/** Serves stored reports to the people allowed to read them. */
@Injectable()
export class ReportQueryService {
  constructor(
    @Inject(ReportStore) private readonly store: ReportStore,
    @Inject(UserDirectory) private readonly directory: UserDirectory,
  ) {}

  async get(actor: Actor, sessionId: string): Promise<ReportReply> {
    const scope = authorize(actor, 'report.read');
    const session = await this.store.findSession(sessionId);
    if (!session) throw new DomainError(ErrorCode.SESSION_NOT_FOUND, 'There is no such session.');
    const teaches = scope === 'any' || session.teacherId === actor.userId || (await this.directory.teachersOf(session.courseId)).includes(actor.userId);
    if (!inScope(scope, { teaches })) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, 'Only the course’s teachers and administrators can read this report.');
    }
    const report = await this.store.findReport(sessionId);
    if (!report || !session.closedAt) {
      throw new DomainError(ErrorCode.REPORT_NOT_READY, 'The report for this session is not ready yet. It is built when the session is stopped.');
    }
    return {
      sessionId,
      courseId: report.courseId,
      courseCode: session.courseCode ?? '',
      courseTitle: session.courseTitle ?? '',
      openedAt: session.openedAt ?? '',
      closedAt: session.closedAt,
      presentCount: report.presentCount,
      absentCount: report.absentCount,
      counts: countStatuses(report.rows),
      revision: report.revision ?? 0,
      rows: report.rows,
    };
  }
}
