import { Module } from '@nestjs/common';
import { CourseRepository, PostgresCourseRepository } from './course.repository.js';
import { CoursesRpc } from './courses.rpc.js';
import { CoursesService } from './courses.service.js';

/** Courses, their teachers and their rosters. */
@Module({
  providers: [{ provide: CourseRepository, useClass: PostgresCourseRepository }, CoursesService, CoursesRpc],
})
export class CoursesModule {}
