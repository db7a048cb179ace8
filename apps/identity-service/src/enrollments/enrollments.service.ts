import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  authorize,
  type Actor,
  type AddEnrollmentRequest,
  type CourseRosterReply,
  type CourseRosterRequest,
  type EnrollmentChangeReply,
  type RemoveEnrollmentRequest,
} from '@classconnect/contracts';
import { EnrollmentEvents } from './enrollment-events.js';
import { EnrollmentRepository, type EnrollmentStore, type StudentRow } from './enrollment.repository.js';
import { mayManage, type PlanCourse } from './roster-import.plan.js';

export function courseNotFound(): DomainError {
  return new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
}

/** The course, if the actor may change its roster (admins: any course; teachers: their own). */
export async function manageableCourse(store: EnrollmentStore, actor: Actor, courseId: string, what: string): Promise<PlanCourse> {
  authorize(actor, 'enrollment.manage');
  const course = await store.course(courseId);
  if (!course) throw courseNotFound();
  if (!mayManage(actor, course)) throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${course.code}, so you cannot ${what}.`);
  return course;
}

/** Enrollments by hand: add a student by email, remove one, read a course's roster. */
@Injectable()
export class EnrollmentsService {
  constructor(
    @Inject(EnrollmentRepository) private readonly store: EnrollmentRepository,
    @Inject(EnrollmentEvents) private readonly events: EnrollmentEvents,
  ) {}

  async add(req: AddEnrollmentRequest, correlationId?: string): Promise<EnrollmentChangeReply> {
    const course = await manageableCourse(this.store, req.actor, req.courseId, 'change its roster');
    const [user] = await this.store.usersByEmails([req.email]);
    if (!user) {
      throw new DomainError(
        ErrorCode.ACCOUNT_NOT_FOUND,
        `No account has the email ${req.email}. Import it with a roster file (which creates the account), or ask an administrator.`,
      );
    }
    requireStudent(user);
    const added = await this.store.enroll([{ courseId: course.id, studentId: user.id }]);
    if (added.length > 0) {
      await this.events.publish([{ ...added[0]!, change: 'added' }], { via: 'manual', changedBy: req.actor.userId, batchId: randomUUID(), correlationId });
    }
    return { courseId: course.id, student: { id: user.id, name: user.name, email: user.email }, changed: added.length > 0 };
  }

  async remove(req: RemoveEnrollmentRequest, correlationId?: string): Promise<EnrollmentChangeReply> {
    const course = await manageableCourse(this.store, req.actor, req.courseId, 'change its roster');
    const user = await this.store.userById(req.studentId);
    if (!user) throw new DomainError(ErrorCode.ACCOUNT_NOT_FOUND, 'There is no such student.');
    const removed = await this.store.unenroll([{ courseId: course.id, studentId: user.id }]);
    if (removed.length > 0) {
      await this.events.publish([{ ...removed[0]!, change: 'removed' }], { via: 'manual', changedBy: req.actor.userId, batchId: randomUUID(), correlationId });
    }
    return { courseId: course.id, student: { id: user.id, name: user.name, email: user.email }, changed: removed.length > 0 };
  }

  async roster(req: CourseRosterRequest): Promise<CourseRosterReply> {
    const course = await manageableCourse(this.store, req.actor, req.courseId, 'read its roster');
    return { courseId: course.id, courseCode: course.code, courseTitle: course.title, students: await this.store.roster(course.id) };
  }
}

function requireStudent(user: StudentRow): void {
  if (user.role !== 'student') {
    throw new DomainError(
      ErrorCode.NOT_A_STUDENT,
      `${user.email} belongs to ${user.role === 'admin' ? 'an administrator' : 'a teacher'}, not a student: only students are enrolled.`,
    );
  }
}
