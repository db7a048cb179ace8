import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  authorize,
  type Actor,
  type CourseListReply,
  type CourseView,
  type CreateCourseRequest,
  type SetCourseTeachersRequest,
  type UpdateCourseRequest,
} from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';
import { CourseCatalogueRepository, type CourseFilter } from './course-catalogue.repository.js';

/** The part of EventPublisher this service uses, so tests can pass a fake. */
export type EventSink = Pick<EventPublisher, 'publish'>;

function courseNotFound(): DomainError {
  return new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
}

/**
 * The course catalogue as administrators manage it (create, change, set teachers) and as each
 * role lists it: admins every course, teachers those they teach, students those they attend.
 * Every change is published on the DIRECTORY stream.
 */
@Injectable()
export class CourseCatalogueService {
  constructor(
    @Inject(CourseCatalogueRepository) private readonly catalogue: CourseCatalogueRepository,
    @Inject(EventPublisher) private readonly events: EventSink,
  ) {}

  async create(req: CreateCourseRequest, correlationId?: string): Promise<CourseView> {
    authorize(req.actor, 'course.manage');
    const course = await this.catalogue.create({ code: req.code, title: req.title, term: req.term });
    if (!course) throw new DomainError(ErrorCode.COURSE_CODE_TAKEN, `A course with the code ${req.code} already exists.`);
    await this.publish(course, 'created', req.actor, correlationId);
    return course;
  }

  async update(req: UpdateCourseRequest, correlationId?: string): Promise<CourseView> {
    authorize(req.actor, 'course.manage');
    if (req.title === undefined && req.term === undefined) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Nothing to change: give a new title or term.');
    }
    const course = await this.catalogue.update(req.courseId, { title: req.title, term: req.term });
    if (!course) throw courseNotFound();
    await this.publish(course, 'updated', req.actor, correlationId);
    return course;
  }

  async setTeachers(req: SetCourseTeachersRequest, correlationId?: string): Promise<CourseView> {
    authorize(req.actor, 'course.manage');
    const wrong = await this.catalogue.notTeachers(req.teacherIds);
    if (wrong.length > 0) {
      throw new DomainError(
        ErrorCode.NOT_A_TEACHER,
        `Only teacher accounts can teach a course; ${wrong.length === 1 ? 'this account is' : 'these accounts are'} not: ${wrong.join(', ')}.`,
        wrong.map((id) => ({ path: 'teacherIds', message: `${id} is not a teacher account` })),
      );
    }
    const course = await this.catalogue.setTeachers(req.courseId, req.teacherIds);
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
    return { courses: await this.catalogue.list(filter) };
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
        changedBy: actor.userId,
        changedAt: new Date().toISOString(),
      },
      { dedupKey: `course.changed:${course.id}:${randomUUID()}`, about: course.id, correlationId },
    );
  }
}
