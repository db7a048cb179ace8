import { Inject, Injectable } from '@nestjs/common';
import { authorize, type AuditListReply, type CloudEvent, type ListAuditRequest } from '@classconnect/contracts';
import { auditRecordOf, auditSummaryOf } from './audit-entry.js';
import { CourseRepository } from '../courses/course.repository.js';
import { UserRepository } from '../users/user.repository.js';
import { AuditRepository } from './audit.repository.js';

/** Fields of event data that hold account ids or course ids, for the names in the summary. */
const UserFields = ['userId', 'studentId', 'teacherId', 'changedBy', 'closedBy'];

/** Records administrative and teaching actions from the streams, and lists them for administrators. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(AuditRepository) private readonly log: AuditRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(CourseRepository) private readonly courses: CourseRepository,
  ) {}

  /** Records one event (idempotent by its id). Returns false when the log ignores it or already had it. */
  async record(subject: string, event: CloudEvent): Promise<boolean> {
    const record = auditRecordOf(subject, event);
    if (!record) return false;
    const d = record.details;
    const userIds = [
      ...UserFields.map((f) => d[f]),
      ...(Array.isArray(d.teacherIds) ? d.teacherIds : []),
      ...(record.targetType === 'account' ? [record.targetId] : []),
    ].filter((v): v is string => typeof v === 'string');
    const courseIds = [d.courseId, record.targetType === 'course' ? record.targetId : undefined].filter((v): v is string => typeof v === 'string');
    const [users, courses] = await Promise.all([this.users.names(userIds), this.courses.codes(courseIds)]);
    const summary = auditSummaryOf(record, {
      user: (id) => users.get(String(id)) ?? String(id),
      course: (id) => courses.get(String(id)) ?? String(id),
    });
    return this.log.record({ ...record, summary, names: Object.fromEntries([...users, ...courses]) });
  }

  async list(req: ListAuditRequest): Promise<AuditListReply> {
    authorize(req.actor, 'audit.read'); // scope any: administrators read the whole log
    return { entries: await this.log.list({ limit: req.limit, before: req.before, action: req.action, actorId: req.actorId, targetId: req.targetId }) };
  }
}
