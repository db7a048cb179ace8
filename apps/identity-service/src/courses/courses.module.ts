import { Module } from '@nestjs/common';
import { CoursesRpc } from './courses.rpc.js';
import { CoursesService } from './courses.service.js';

/** Courses, their teachers and their rosters (the repositories come from RepositoriesModule). */
@Module({
  providers: [CoursesService, CoursesRpc],
})
export class CoursesModule {}
