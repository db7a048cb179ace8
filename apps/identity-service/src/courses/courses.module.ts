import { Module } from '@nestjs/common';
import { CourseCatalogueRepository, PostgresCourseCatalogueRepository } from './course-catalogue.repository.js';
import { CourseCatalogueRpc } from './course-catalogue.rpc.js';
import { CourseCatalogueService } from './course-catalogue.service.js';
import { CourseRepository, PostgresCourseRepository } from './course.repository.js';
import { CoursesRpc } from './courses.rpc.js';
import { CoursesService } from './courses.service.js';

/** Courses, their teachers and their rosters. */
@Module({
  providers: [
    { provide: CourseRepository, useClass: PostgresCourseRepository },
    CoursesService,
    CoursesRpc,
    // The catalogue as admins manage it and each role lists it.
    { provide: CourseCatalogueRepository, useClass: PostgresCourseCatalogueRepository },
    CourseCatalogueService,
    CourseCatalogueRpc,
  ],
})
export class CoursesModule {}
