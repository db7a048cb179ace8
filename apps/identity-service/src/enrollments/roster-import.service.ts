import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authorize, type RosterImportReply, type RosterImportRequest, type RosterImportSummary } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { DirectoryTransactions, type DirectoryRepositories } from '../infrastructure/directory-transactions.js';
import { CourseRepository } from '../courses/course.repository.js';
import { UserRepository } from '../users/user.repository.js';
import { EnrollmentEvents, type EnrollmentChange } from './enrollment-events.js';
import { EnrollmentRepository } from './enrollment.repository.js';
import { manageableCourse } from './enrollments.service.js';
import { parseRoster } from './roster-import.parser.js';
import { courseKey, planRoster, summarySentence, type PlanCourse, type PlanUser, type RosterPlan } from './roster-import.plan.js';

/** The most line errors a reply lists (the summary counts them all). */
export const MaxListedErrors = 1_000;

/**
 * A roster file: preview (what it would change, nothing written) or commit (written in one
 * transaction with set-based statements, then one enrollment event per change). Importing the
 * same file again changes nothing and says so.
 */
@Injectable()
export class RosterImportService {
  private readonly log = createLogger(RosterImportService.name);

  constructor(
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(CourseRepository) private readonly courses: CourseRepository,
    @Inject(EnrollmentRepository) private readonly enrollments: EnrollmentRepository,
    @Inject(DirectoryTransactions) private readonly transactions: DirectoryTransactions,
    @Inject(EnrollmentEvents) private readonly events: EnrollmentEvents,
  ) {}

  async import(req: RosterImportRequest, correlationId?: string): Promise<RosterImportReply> {
    authorize(req.actor, 'roster.import');
    const started = performance.now();
    const parsed = parseRoster(req.csv);
    if (req.mode === 'preview') {
      const plan = await this.plan({ users: this.users, courses: this.courses, enrollments: this.enrollments }, req, parsed.lines);
      return reply(req, plan, planSummary(plan), false, parsed.ignoredColumns);
    }
    const { plan, summary, changes } = await this.transactions.run(async (tx) => {
      const plan = await this.plan(tx, req, parsed.lines);
      // Accounts first (emails another import created a moment ago are simply found), then ids for every email.
      const created = await tx.users.createStudents(plan.newAccounts);
      const emails = [...new Set(plan.toEnroll.map((e) => e.email))];
      const users = await tx.users.findByEmails(emails);
      const idOf = new Map(users.filter((u) => u.role === 'student').map((u) => [u.email, u.id]));
      const added = await tx.enrollments.enroll(plan.toEnroll.flatMap((e) => (idOf.has(e.email) ? [{ courseId: e.courseId, studentId: idOf.get(e.email)! }] : [])));
      const removed = await tx.enrollments.unenroll(plan.toRemove);
      const changes: EnrollmentChange[] = [...added.map((a) => ({ ...a, change: 'added' as const })), ...removed.map((r) => ({ ...r, change: 'removed' as const }))];
      const summary: RosterImportSummary = {
        ...planSummary(plan),
        accountsCreated: created.length,
        enrolled: added.length,
        removed: removed.length,
      };
      return { plan, summary, changes };
    });
    const committedAt = performance.now();
    await this.events.publish(changes, { via: 'import', changedBy: req.actor.userId, batchId: randomUUID(), correlationId });
    const now = performance.now();
    this.log.info(
      { actorId: req.actor.userId, ...summary, ms: Math.round(now - started), commitMs: Math.round(committedAt - started), publishMs: Math.round(now - committedAt) },
      'roster import committed',
    );
    return reply(req, plan, summary, true, parsed.ignoredColumns);
  }

  /** Reads what the plan needs in four queries, whatever the file's size. */
  private async plan(repos: DirectoryRepositories, req: RosterImportRequest, lines: ReturnType<typeof parseRoster>['lines']): Promise<RosterPlan> {
    const defaultCourse = req.courseId ? await manageableCourse(repos.courses, req.actor, req.courseId, 'import its roster') : undefined;
    const codes = [...new Set(lines.map((l) => l.courseCode).filter(Boolean))];
    const [found, users] = await Promise.all([repos.courses.findByCodes(codes), repos.users.findByEmails(lines.map((l) => l.email).filter(Boolean))]);
    const coursesByCode = new Map<string, PlanCourse>(found.map((c) => [courseKey(c.code), c]));
    const ids = [...new Set([...found.map((c) => c.id), ...(defaultCourse ? [defaultCourse.id] : [])])];
    const enrollments = await repos.enrollments.enrollmentsOf(ids);
    const enrolled = new Map<string, Map<string, string>>();
    for (const e of enrollments) {
      let m = enrolled.get(e.courseId);
      if (!m) enrolled.set(e.courseId, (m = new Map()));
      m.set(e.studentId, e.email);
    }
    return planRoster({
      actor: req.actor,
      lines,
      defaultCourse,
      coursesByCode,
      usersByEmail: new Map<string, PlanUser>(users.map((u) => [u.email, { id: u.id, role: u.role }])),
      enrolled,
      removeMissing: req.removeMissing,
    });
  }
}

export function planSummary(plan: RosterPlan): RosterImportSummary {
  return {
    lines: plan.lines,
    accountsCreated: plan.newAccounts.length,
    enrolled: plan.toEnroll.length,
    alreadyEnrolled: plan.alreadyEnrolled,
    removed: plan.toRemove.length,
    errorLines: plan.errors.length,
  };
}

function reply(req: RosterImportRequest, plan: RosterPlan, summary: RosterImportSummary, committed: boolean, ignoredColumns: string[]): RosterImportReply {
  return {
    mode: req.mode,
    committed,
    changes: summary.accountsCreated + summary.enrolled + summary.removed > 0,
    summary,
    message: summarySentence(req.mode, summary),
    courses: plan.courses.map((c) => ({ id: c.id, code: c.code, title: c.title })),
    errors: plan.errors.slice(0, MaxListedErrors),
    ...(ignoredColumns.length ? { ignoredColumns } : {}),
  };
}
