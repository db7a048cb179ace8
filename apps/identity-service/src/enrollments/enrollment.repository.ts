import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';

export interface EnrollmentPair {
  courseId: string;
  studentId: string;
}

/** An enrolled student as a roster lists them. */
export interface RosterStudent {
  id: string;
  name: string;
  email: string;
}

/**
 * Every query on identity.enrollments, read and written with set-based statements: a roster file
 * of any size costs the same few round trips. A port; the Postgres one works on the DataSource or
 * inside a transaction (infrastructure/directory-transactions.ts).
 */
export abstract class EnrollmentRepository {
  /** Every enrollment of these courses, with the student's email. */
  abstract enrollmentsOf(courseIds: readonly string[]): Promise<(EnrollmentPair & { email: string })[]>;
  /** Adds the enrollments; returns those that were not there yet. */
  abstract enroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]>;
  /** Removes the enrollments; returns those that were there. */
  abstract unenroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]>;
  /** The command line: enrolls the students in batches; those already enrolled stay as they are. */
  abstract enrollStudents(courseId: string, studentIds: readonly string[]): Promise<void>;
  /** Enrolled students sorted by name (one row per enrollment, with the student's name and email). */
  abstract roster(courseId: string): Promise<RosterStudent[]>;
}

/** How many rows one INSERT of the command line carries. */
const BatchSize = 1_000;

@Injectable()
export class PostgresEnrollmentRepository extends EnrollmentRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  enrollmentsOf(courseIds: readonly string[]): Promise<(EnrollmentPair & { email: string })[]> {
    if (courseIds.length === 0) return Promise.resolve([]);
    return this.db.query(
      `SELECT e.course_id AS "courseId", e.student_id AS "studentId", u.email
         FROM identity.enrollments e JOIN identity.users u ON u.id = e.student_id
        WHERE e.course_id = ANY($1::uuid[])`,
      [[...courseIds]],
    );
  }

  async enroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]> {
    if (pairs.length === 0) return [];
    return this.db.query(
      `INSERT INTO identity.enrollments (course_id, student_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[])
       ON CONFLICT DO NOTHING
       RETURNING course_id AS "courseId", student_id AS "studentId"`,
      [pairs.map((p) => p.courseId), pairs.map((p) => p.studentId)],
    );
  }

  async unenroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]> {
    if (pairs.length === 0) return [];
    return updatedRows<EnrollmentPair>(
      await this.db.query(
        `DELETE FROM identity.enrollments e
          USING unnest($1::uuid[], $2::uuid[]) AS gone (course_id, student_id)
          WHERE e.course_id = gone.course_id AND e.student_id = gone.student_id
          RETURNING e.course_id AS "courseId", e.student_id AS "studentId"`,
        [pairs.map((p) => p.courseId), pairs.map((p) => p.studentId)],
      ),
    );
  }

  async enrollStudents(courseId: string, studentIds: readonly string[]): Promise<void> {
    for (let start = 0; start < studentIds.length; start += BatchSize) {
      await this.db.query(
        `INSERT INTO identity.enrollments (course_id, student_id)
         SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING`,
        [courseId, studentIds.slice(start, start + BatchSize)],
      );
    }
  }

  roster(courseId: string): Promise<RosterStudent[]> {
    return this.db.query(
      `SELECT u.id, u.name, u.email
         FROM identity.enrollments e JOIN identity.users u ON u.id = e.student_id
        WHERE e.course_id = $1
        ORDER BY u.name, u.email`,
      [courseId],
    );
  }
}
