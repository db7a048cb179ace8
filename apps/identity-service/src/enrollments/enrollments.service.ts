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
  type UserSummary,
} from '@classconnect/contracts';
import { CourseRepository } from '../courses/course.repository.js';
import { courseNotFound } from '../courses/courses.service.js';
import { UserRepository } from '../users/user.repository.js';
import { EnrollmentEvents } from './enrollment-events.js';
import { EnrollmentRepository } from './enrollment.repository.js';
import { mayManage, type PlanCourse } from './roster-import.plan.js';

/** The course, if the actor may change its roster (admins: any course; teachers: their own). */
export async function manageableCourse(courses: CourseRepository, actor: Actor, courseId: string, what: string): Promise<PlanCourse> {
  authorize(actor, 'enrollment.manage');
  const course = await courses.find(courseId);
  if (!course) throw courseNotFound();
  if (!mayManage(actor, course)) throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${course.code}, so you cannot ${what}.`);
  return course;
}

/** Enrollments by hand: add a student by email, remove one, read a course's roster. */
@Injectable()
export class EnrollmentsService {
  constructor(
    @Inject(EnrollmentRepository) private readonly enrollments: EnrollmentRepository,
    @Inject(CourseRepository) private readonly courses: CourseRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(EnrollmentEvents) private readonly events: EnrollmentEvents,
  ) {}

  async add(req: AddEnrollmentRequest, correlationId?: string): Promise<EnrollmentChangeReply> {
    const course = await manageableCourse(this.courses, req.actor, req.courseId, 'change its roster');
    const [user] = await this.users.findByEmails([req.email]);
    if (!user) {
      throw new DomainError(
        ErrorCode.ACCOUNT_NOT_FOUND,
        `No account has the email ${req.email}. Import it with a roster file (which creates the account), or ask an administrator.`,
      );
    }
    requireStudent(user);
    const added = await this.enrollments.enroll([{ courseId: course.id, studentId: user.id }]);
    if (added.length > 0) {
      await this.events.publish([{ ...added[0]!, change: 'added' }], { via: 'manual', changedBy: req.actor.userId, batchId: randomUUID(), correlationId });
    }
    return { courseId: course.id, student: { id: user.id, name: user.name, email: user.email }, changed: added.length > 0 };
  }

  async remove(req: RemoveEnrollmentRequest, correlationId?: string): Promise<EnrollmentChangeReply> {
    const course = await manageableCourse(this.courses, req.actor, req.courseId, 'change its roster');
    const user = await this.users.findById(req.studentId);
    if (!user) throw new DomainError(ErrorCode.ACCOUNT_NOT_FOUND, 'There is no such student.');
    const removed = await this.enrollments.unenroll([{ courseId: course.id, studentId: user.id }]);
    if (removed.length > 0) {
      await this.events.publish([{ ...removed[0]!, change: 'removed' }], { via: 'manual', changedBy: req.actor.userId, batchId: randomUUID(), correlationId });
    }
    return { courseId: course.id, student: { id: user.id, name: user.name, email: user.email }, changed: removed.length > 0 };
  }

  async roster(req: CourseRosterRequest): Promise<CourseRosterReply> {
    const course = await manageableCourse(this.courses, req.actor, req.courseId, 'read its roster');
    return { courseId: course.id, courseCode: course.code, courseTitle: course.title, students: await this.enrollments.roster(course.id) };
  }
}

function requireStudent(user: UserSummary): void {
  if (user.role !== 'student') {
    throw new DomainError(
      ErrorCode.NOT_A_STUDENT,
      `${user.email} belongs to ${user.role === 'admin' ? 'an administrator' : 'a teacher'}, not a student: only students are enrolled.`,
    );
  }
}
