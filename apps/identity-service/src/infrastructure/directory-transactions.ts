import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CourseRepository, PostgresCourseRepository } from '../courses/course.repository.js';
import { EnrollmentRepository, PostgresEnrollmentRepository } from '../enrollments/enrollment.repository.js';
import { PostgresUserRepository, UserRepository } from '../users/user.repository.js';
import type { Queryable } from './queryable.js';

/** The repositories of the directory (accounts, courses, enrollments), all on one connection. */
export interface DirectoryRepositories {
  users: UserRepository;
  courses: CourseRepository;
  enrollments: EnrollmentRepository;
}

export function directoryRepositoriesOn(db: Queryable): DirectoryRepositories {
  return { users: new PostgresUserRepository(db), courses: new PostgresCourseRepository(db), enrollments: new PostgresEnrollmentRepository(db) };
}

/** Work that changes several of the directory's tables at once (a roster import, the command line) runs in one transaction. */
@Injectable()
export class DirectoryTransactions {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  run<T>(work: (repos: DirectoryRepositories) => Promise<T>): Promise<T> {
    return runInTransaction(this.ds, work);
  }
}

export function runInTransaction<T>(ds: DataSource, work: (repos: DirectoryRepositories) => Promise<T>): Promise<T> {
  return ds.transaction((tx) => work(directoryRepositoriesOn(tx)));
}
