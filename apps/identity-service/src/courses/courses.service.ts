import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  authorize,
  type Actor,
  type CourseListReply,
  type CourseReply,
  type CoursesOfReply,
  type CourseSettings,
  type CourseView,
  type CreateCourseRequest,
  type RosterReply,
  type SetCourseTeachersRequest,
  type UpdateCourseRequest,
} from '@classconnect/contracts';
import { EventPublisher, type EventSink } from '@classconnect/messaging';
import { EnrollmentRepository } from '../enrollments/enrollment.repository.js';
import { UserRepository } from '../users/user.repository.js';
import { CourseRepository, type CourseFilter } from './course.repository.js';

/** What a new course's settings are when the admin gives none: the deployment's time zone, excused sessions left out. */
export type CourseDefaults = CourseSettings;
export const COURSE_DEFAULTS = Symbol('COURSE_DEFAULTS');

export function courseNotFound(): DomainError {
  return new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
}

/**
 * Courses: the catalogue as administrators manage it (create, change, set teachers) and as each
 * role lists it — admins every course, teachers those they teach, students those they attend —
 * and the lookups other services make (a user's courses, a course's teachers, its roster).
 * Every change is published on the DIRECTORY stream.
 */
@Injectable()
export class CoursesService {
  constructor(
    @Inject(CourseRepository) private readonly courses: CourseRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(EnrollmentRepository) private readonly enrollments: EnrollmentRepository,
    @Inject(EventPublisher) private readonly events: EventSink,
    @Inject(COURSE_DEFAULTS) private readonly defaults: CourseDefaults,
  ) {}

  async coursesOf(userId: string): Promise<CoursesOfReply> {
    return { courses: await this.courses.coursesOf(userId) };
  }

  async course(courseId: string): Promise<CourseReply> {
    const course = await this.courses.find(courseId);
    if (!course) throw courseNotFound();
    return course;
  }

  async roster(courseId: string): Promise<RosterReply> {
    if (!(await this.courses.exists(courseId))) throw courseNotFound();
    return { courseId, students: await this.enrollments.roster(courseId) };
  }

  async create(req: CreateCourseRequest, correlationId?: string): Promise<CourseView> {
    authorize(req.actor, 'course.manage');
    const course = await this.courses.create({
      code: req.code,
      title: req.title,
      term: req.term,
      timeZone: req.timeZone ?? this.defaults.timeZone,
      excusedPolicy: req.excusedPolicy ?? this.defaults.excusedPolicy,
    });
    if (!course) throw new DomainError(ErrorCode.COURSE_CODE_TAKEN, `A course with the code ${req.code} already exists.`);
    await this.publish(course, 'created', req.actor, correlationId);
    return course;
  }

  async update(req: UpdateCourseRequest, correlationId?: string): Promise<CourseView> {
    authorize(req.actor, 'course.manage');
    const { actor: _actor, courseId, ...changes } = req;
    if (Object.values(changes).every((v) => v === undefined)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Nothing to change: give a new title, term, time zone or excused policy.');
    }
    const course = await this.courses.update(courseId, changes);
    if (!course) throw courseNotFound();
    await this.publish(course, 'updated', req.actor, correlationId);
    return course;
  }

  async setTeachers(req: SetCourseTeachersRequest, correlationId?: string): Promise<CourseView> {
    authorize(req.actor, 'course.manage');
    const wrong = await this.users.notTeachers(req.teacherIds);
    if (wrong.length > 0) {
      throw new DomainError(
        ErrorCode.NOT_A_TEACHER,
        `Only teacher accounts can teach a course; ${wrong.length === 1 ? 'this account is' : 'these accounts are'} not: ${wrong.join(', ')}.`,
        wrong.map((id) => ({ path: 'teacherIds', message: `${id} is not a teacher account` })),
      );
    }
    const course = await this.courses.setTeachers(req.courseId, req.teacherIds);
    if (!course) throw courseNotFound();
    await this.publish(course, 'teachers-set', req.actor, correlationId);
    return course;
  }

  async list(actor: Actor): Promise<CourseListReply> {
    const scope = authorize(actor, 'course.read');
    const filter: CourseFilter =
      scope === 'any'
        ? { kind: 'all' }
        : scope === 'own-course'
          ? { kind: 'teaching', userId: actor.userId }
          : { kind: 'enrolled', userId: actor.userId };
    return { courses: await this.courses.list(filter) };
  }

  private async publish(course: CourseView, change: 'created' | 'updated' | 'teachers-set', actor: Actor, correlationId?: string) {
    await this.events.publish(
      EventSubjects.courseChanged,
      {
        courseId: course.id,
        change,
        code: course.code,
        title: course.title,
        term: course.term,
        teacherIds: course.teachers.map((t) => t.id),
        timeZone: course.timeZone,
        excusedPolicy: course.excusedPolicy,
        changedBy: actor.userId,
        changedAt: new Date().toISOString(),
      },
      { dedupKey: `course.changed:${course.id}:${randomUUID()}`, about: course.id, correlationId },
    );
  }
}
