import { Global, Module } from '@nestjs/common';
import { CourseRepository, PostgresCourseRepository } from '../courses/course.repository.js';
import { EnrollmentRepository, PostgresEnrollmentRepository } from '../enrollments/enrollment.repository.js';
import { PostgresUserRepository, UserRepository } from '../users/user.repository.js';
import { DirectoryTransactions } from './directory-transactions.js';

/**
 * The repositories several contexts read: accounts (users), courses and enrollments, one each, and
 * transactions across them. Each context's own tables (sign-ins, rooms, audit log) have their
 * repository in the context's module.
 */
@Global()
@Module({
  providers: [
    { provide: UserRepository, useClass: PostgresUserRepository },
    { provide: CourseRepository, useClass: PostgresCourseRepository },
    { provide: EnrollmentRepository, useClass: PostgresEnrollmentRepository },
    DirectoryTransactions,
  ],
  exports: [UserRepository, CourseRepository, EnrollmentRepository, DirectoryTransactions],
})
export class RepositoriesModule {}
