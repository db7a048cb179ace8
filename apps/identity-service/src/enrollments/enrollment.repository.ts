import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '../provisioning/provisioning.repository.js';
import { returned } from '../rooms/room.repository.js';
import type { PlanCourse, PlanUser } from './roster-import.plan.js';

export interface StudentRow {
  id: string;
  email: string;
  name: string;
  role: PlanUser['role'];
}
export interface EnrollmentPair {
  courseId: string;
  studentId: string;
}

/**
 * Enrollments in Postgres, read and written with set-based statements: a roster file of any size
 * costs the same few round trips. Works on a DataSource or inside a transaction.
 */
export class EnrollmentStore {
  constructor(private readonly db: Queryable) {}

  async course(courseId: string): Promise<PlanCourse | null> {
    return (await this.courses('c.id = $1', [courseId]))[0] ?? null;
  }

  /** Courses whose code is among these (compared in upper case). */
  coursesByCodes(codes: readonly string[]): Promise<PlanCourse[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.courses('upper(c.code) = ANY($1::text[])', [[...new Set(codes.map((c) => c.toUpperCase()))]]);
  }

  private courses(where: string, params: unknown[]): Promise<PlanCourse[]> {
    return this.db.query(
      `SELECT c.id, c.code, c.title,
              coalesce(array_agg(t.teacher_id::text) FILTER (WHERE t.teacher_id IS NOT NULL), '{}') AS "teacherIds"
         FROM identity.courses c LEFT JOIN identity.course_teachers t ON t.course_id = c.id
        WHERE ${where}
        GROUP BY c.id`,
      params,
    );
  }

  usersByEmails(emails: readonly string[]): Promise<StudentRow[]> {
    if (emails.length === 0) return Promise.resolve([]);
    return this.db.query('SELECT id, email, name, role FROM identity.users WHERE email = ANY($1::text[])', [[...new Set(emails)]]);
  }

  async userById(id: string): Promise<StudentRow | null> {
    const rows: StudentRow[] = await this.db.query('SELECT id, email, name, role FROM identity.users WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  /** Every enrollment of these courses, with the student's email. */
  enrollmentsOf(courseIds: readonly string[]): Promise<(EnrollmentPair & { email: string })[]> {
    if (courseIds.length === 0) return Promise.resolve([]);
    return this.db.query(
      `SELECT e.course_id AS "courseId", e.student_id AS "studentId", u.email
         FROM identity.enrollments e JOIN identity.users u ON u.id = e.student_id
        WHERE e.course_id = ANY($1::uuid[])`,
      [[...courseIds]],
    );
  }

  /** Creates student accounts without a password; emails that already have an account are left as they are. */
  async createStudents(accounts: readonly { email: string; name: string }[]): Promise<{ id: string; email: string }[]> {
    if (accounts.length === 0) return [];
    return this.db.query(
      `INSERT INTO identity.users (email, name, role, password_hash)
       SELECT email, name, 'student', NULL FROM unnest($1::text[], $2::text[]) AS a (email, name)
       ON CONFLICT (email) DO NOTHING
       RETURNING id, email`,
      [accounts.map((a) => a.email), accounts.map((a) => a.name)],
    );
  }

  /** Adds the enrollments; returns those that were not there yet. */
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

  /** Removes the enrollments; returns those that were there. */
  async unenroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]> {
    if (pairs.length === 0) return [];
    return returned<EnrollmentPair>(
      await this.db.query(
        `DELETE FROM identity.enrollments e
          USING unnest($1::uuid[], $2::uuid[]) AS gone (course_id, student_id)
          WHERE e.course_id = gone.course_id AND e.student_id = gone.student_id
          RETURNING e.course_id AS "courseId", e.student_id AS "studentId"`,
        [pairs.map((p) => p.courseId), pairs.map((p) => p.studentId)],
      ),
    );
  }

  /** Enrolled students sorted by name. */
  roster(courseId: string): Promise<{ id: string; name: string; email: string }[]> {
    return this.db.query(
      `SELECT u.id, u.name, u.email
         FROM identity.enrollments e JOIN identity.users u ON u.id = e.student_id
        WHERE e.course_id = $1
        ORDER BY u.name, u.email`,
      [courseId],
    );
  }
}

/** The store on the service's pool, and transactions on it. */
@Injectable()
export class EnrollmentRepository extends EnrollmentStore {
  constructor(private readonly ds: DataSource) {
    super(ds);
  }

  transaction<T>(work: (store: EnrollmentStore) => Promise<T>): Promise<T> {
    return this.ds.transaction((tx) => work(new EnrollmentStore(tx)));
  }
}
