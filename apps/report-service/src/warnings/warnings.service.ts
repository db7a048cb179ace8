import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  authorize,
  inScope,
  type Actor,
  type CourseWarningsReply,
  type MyWarningsReply,
  type OpenWarning,
  type WarningClearReason,
  type WarningThresholds,
} from '@classconnect/contracts';
import { EventPublisher, IdentityClient, type EventSink } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { decideWarnings } from './warning-decider.js';
import { WarningStore, type StoredWarning } from './warnings.ports.js';

/** A large class's names may take identity-service longer than the default wait. */
const UsersTimeoutMs = 10_000;

type WarningDefaults = Pick<ReportConfig, 'WARNING_MIN_RATE' | 'WARNING_MIN_SESSIONS' | 'WARNING_CONSECUTIVE_ABSENCES' | 'WARNING_EXCUSED_POLICY'>;

export function defaultThresholds(config: WarningDefaults): WarningThresholds {
  return {
    minRate: config.WARNING_MIN_RATE,
    minSessions: config.WARNING_MIN_SESSIONS,
    consecutiveAbsences: config.WARNING_CONSECUTIVE_ABSENCES,
    excusedPolicy: config.WARNING_EXCUSED_POLICY,
  };
}

const openView = (w: StoredWarning): OpenWarning => ({
  warningId: w.warningId,
  courseId: w.courseId,
  studentId: w.studentId,
  kind: w.kind,
  thresholds: w.thresholds,
  figures: w.figures,
  raisedAt: w.raisedAt,
});

/**
 * Low-attendance warnings. A course is evaluated whenever one of its reports is built or changes
 * (and when its thresholds change): each student listed in the course's newest report is decided
 * from their statuses in every built report of the course, as the reports stand now. A warning is
 * written first, then published, then marked published: a crash in between leaves it unpublished,
 * and the next evaluation of the course publishes it (under the same dedup key).
 */
@Injectable()
export class WarningsService {
  private readonly log = createLogger(WarningsService.name);
  private readonly defaults: WarningThresholds;

  constructor(
    @Inject(WarningStore) private readonly store: WarningStore,
    @Inject(IdentityClient) private readonly identity: Pick<IdentityClient, 'course' | 'coursesOf' | 'users'>,
    @Inject(EventPublisher) private readonly events: EventSink,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REPORT_CONFIG) config: WarningDefaults,
  ) {
    this.defaults = defaultThresholds(config);
  }

  /** After a session's report was built or changed. */
  async onReportChanged(sessionId: string, correlationId?: string): Promise<void> {
    const courseId = await this.store.courseOfReport(sessionId);
    if (courseId) await this.evaluateCourse(courseId, 'RECOVERED', correlationId);
  }

  async evaluateCourse(courseId: string, clearReason: WarningClearReason, correlationId?: string): Promise<void> {
    const [statuses, own, open] = await Promise.all([this.store.courseStatuses(courseId), this.store.thresholdsOf(courseId), this.store.openOfCourse(courseId)]);
    if (statuses) {
      const thresholds = own ?? this.defaults;
      const now = this.clock.now().toISOString();
      const openByKey = new Map(open.map((w) => [`${w.studentId}:${w.kind}`, w]));
      for (const [studentId, newestFirst] of statuses.byStudent) {
        if (!statuses.newestListed.has(studentId)) continue;
        const { figures, kinds } = decideWarnings(newestFirst, thresholds);
        for (const kind of kinds) {
          if (openByKey.has(`${studentId}:${kind}`)) continue;
          await this.store.raise({ warningId: randomUUID(), courseId, studentId, kind, thresholds, figures, sessionId: statuses.newestSessionId, raisedAt: now });
        }
        for (const w of open) {
          if (w.studentId === studentId && !kinds.has(w.kind)) {
            await this.store.clear(w.warningId, { at: now, reason: clearReason, figures, sessionId: statuses.newestSessionId });
          }
        }
      }
      for (const w of open) {
        if (!statuses.newestListed.has(w.studentId)) {
          const figures = decideWarnings(statuses.byStudent.get(w.studentId) ?? [], thresholds).figures;
          await this.store.clear(w.warningId, { at: now, reason: 'NOT_LISTED', figures, sessionId: statuses.newestSessionId });
        }
      }
    }
    await this.publishPending(courseId, correlationId);
  }

  /** Publishes every raise and clear of the course not published yet, oldest first. */
  private async publishPending(courseId: string, correlationId?: string): Promise<void> {
    for (const w of await this.store.unpublished(courseId)) {
      const base = { warningId: w.warningId, courseId: w.courseId, studentId: w.studentId, kind: w.kind, thresholds: w.thresholds, raisedAt: w.raisedAt };
      const opts = (what: string) => ({ dedupKey: `warning.${what}:${w.warningId}`, about: w.studentId, ...(correlationId ? { correlationId } : {}) });
      if (!w.raisePublished) {
        await this.events.publish(EventSubjects.warningRaised, { ...base, figures: w.figures, sessionId: w.sessionId }, opts('raised'));
        await this.store.markPublished(w.warningId, 'raise');
        this.log.info({ courseId, studentId: w.studentId, kind: w.kind, figures: w.figures }, 'attendance warning raised');
      }
      if (w.clearedAt && !w.clearPublished) {
        await this.events.publish(
          EventSubjects.warningCleared,
          { ...base, figures: w.clearFigures ?? w.figures, sessionId: w.clearSessionId ?? w.sessionId, clearedAt: w.clearedAt, reason: w.clearReason ?? 'RECOVERED' },
          opts('cleared'),
        );
        await this.store.markPublished(w.warningId, 'clear');
        this.log.info({ courseId, studentId: w.studentId, kind: w.kind, reason: w.clearReason }, 'attendance warning cleared');
      }
    }
  }

  /** A course's open warnings and thresholds, for its teachers and administrators. */
  async courseWarnings(actor: Actor, courseId: string): Promise<CourseWarningsReply> {
    await this.checkStaff(actor, courseId, 'history.read-course');
    return this.courseReply(courseId);
  }

  async setThresholds(actor: Actor, courseId: string, thresholds: WarningThresholds | null): Promise<CourseWarningsReply> {
    await this.checkStaff(actor, courseId, 'warnings.configure');
    await this.store.setThresholds(courseId, thresholds, actor.userId, this.clock.now().toISOString());
    this.log.info({ courseId, thresholds, by: actor.userId }, thresholds ? 'course warning thresholds set' : 'course warning thresholds back to the defaults');
    await this.evaluateCourse(courseId, 'THRESHOLDS_CHANGED');
    return this.courseReply(courseId);
  }

  /** The actor's own open warnings, in the courses they attend now. */
  async myWarnings(actor: Actor): Promise<MyWarningsReply> {
    authorize(actor, 'history.read-own'); // scope self: only the actor's own warnings are read
    const open = await this.store.openOfStudent(actor.userId);
    if (open.length === 0) return { warnings: [] };
    const courses = new Map((await this.identity.coursesOf(actor.userId)).filter((c) => c.relation === 'student').map((c) => [c.id, c]));
    return {
      warnings: open.flatMap((w) => {
        const c = courses.get(w.courseId);
        return c ? [{ ...openView(w), courseCode: c.code, courseTitle: c.title }] : [];
      }),
    };
  }

  private async checkStaff(actor: Actor, courseId: string, action: 'history.read-course' | 'warnings.configure'): Promise<void> {
    const scope = authorize(actor, action);
    const course = await this.identity.course(courseId);
    if (!inScope(scope, { teaches: course.teacherIds.includes(actor.userId) })) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, 'Only the course’s teachers and administrators can see or set its attendance warnings.');
    }
  }

  private async courseReply(courseId: string): Promise<CourseWarningsReply> {
    const [own, open] = await Promise.all([this.store.thresholdsOf(courseId), this.store.openOfCourse(courseId)]);
    const people = new Map((await this.identity.users([...new Set(open.map((w) => w.studentId))], { timeoutMs: UsersTimeoutMs })).map((u) => [u.id, u]));
    return {
      courseId,
      thresholds: own ?? this.defaults,
      overridden: own !== null,
      warnings: open.map((w) => ({ ...openView(w), name: people.get(w.studentId)?.name ?? 'Unknown student', email: people.get(w.studentId)?.email ?? '' })),
    };
  }
}
