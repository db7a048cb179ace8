import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type CourseReply, type CoursesOfReply, type RosterReply } from '@classconnect/contracts';
import { CourseRepository } from './course.repository.js';

function courseNotFound(): DomainError {
  return new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
}

@Injectable()
export class CoursesService {
  constructor(private readonly courses: CourseRepository) {}

  async coursesOf(userId: string): Promise<CoursesOfReply> {
    return { courses: await this.courses.coursesOf(userId) };
  }

  async course(courseId: string): Promise<CourseReply> {
    const course = await this.courses.findCourse(courseId);
    if (!course) throw courseNotFound();
    return course;
  }

  async roster(courseId: string): Promise<RosterReply> {
    const students = await this.courses.roster(courseId);
    if (!students) throw courseNotFound();
    return { courseId, students };
  }
}
