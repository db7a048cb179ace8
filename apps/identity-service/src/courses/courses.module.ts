import { Module, type DynamicModule } from '@nestjs/common';
import type { IdentityConfig } from '../config.js';
import { CoursesRpc } from './courses.rpc.js';
import { COURSE_DEFAULTS, CoursesService, type CourseDefaults } from './courses.service.js';

/** Courses, their teachers and their rosters (the repositories come from RepositoriesModule). */
@Module({})
export class CoursesModule {
  static forRoot(config: Pick<IdentityConfig, 'DEFAULT_TIME_ZONE'>): DynamicModule {
    const defaults: CourseDefaults = { timeZone: config.DEFAULT_TIME_ZONE, excusedPolicy: 'exclude' };
    return { module: CoursesModule, providers: [{ provide: COURSE_DEFAULTS, useValue: defaults }, CoursesService, CoursesRpc] };
  }
}
