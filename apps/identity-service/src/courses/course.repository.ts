import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CourseReply, CourseSettings, CourseSummary, CourseView } from '@classconnect/contracts';
import { validUuids } from '@classconnect/persistence';
import { updatedRows, type Queryable } from '../infrastructure/queryable.js';

/** What an update may change; a field left out stays as it is. */
export type CourseChanges = { title?: string; term?: string } & Partial<CourseSettings>;

/** Which courses a list shows: every one, those a user teaches, or those a user is enrolled in. */
export type CourseFilter = { kind: 'all' } | { kind: 'teaching' | 'enrolled'; userId: string };

export interface NewCourse {
  code: string;
  title: string;
  term: string | null;
}

/**
 * Every query on identity.courses and identity.course_teachers: the catalogue as administrators
 * manage it and each role lists it, the lookups other services and roster imports make, and the
 * command line's writes. A port, so services can be tested with courses/testing/fakes.ts.
 */
export abstract class CourseRepository {
  // The catalogue
  /** The new course, or null when another course has this code. */
  abstract create(course: { code: string; title: string; term: string } & CourseSettings): Promise<CourseView | null>;
  /** The changed course, or null when there is no such course. */
  abstract update(courseId: string, changes: CourseChanges): Promise<CourseView | null>;
  /** Replaces the course's teachers; null when there is no such course. */
  abstract setTeachers(courseId: string, teacherIds: readonly string[]): Promise<CourseView | null>;
  abstract list(filter: CourseFilter): Promise<CourseView[]>;

  // Lookups
  /** Courses the user teaches or is enrolled in, each with the user's relation to it. */
  abstract coursesOf(userId: string): Promise<CourseSummary[]>;
  /** The course with its teachers' ids (sorted), or null. */
  abstract find(courseId: string): Promise<CourseReply | null>;
  /** Courses whose code is among these (compared in upper case), with their teachers' ids. */
  abstract findByCodes(codes: readonly string[]): Promise<CourseReply[]>;
  abstract exists(courseId: string): Promise<boolean>;
  /** Codes of these courses; ids that are unknown or not uuids are left out. */
  abstract codes(ids: readonly string[]): Promise<Map<string, string>>;

  // The command line
  /** Creates the course, or updates the one with the same code. Returns its id. */
  abstract upsert(course: NewCourse): Promise<string>;
  abstract addTeacher(courseId: string, teacherId: string): Promise<void>;
}

interface CourseRow {
  id: string;
  code: string;
  title: string;
  term: string | null;
  time_zone: string;
  excused_policy: CourseSettings['excusedPolicy'];
  teachers: { id: string; name: string }[];
  student_count: string | number;
}

const SelectViews = `
  SELECT c.id, c.code, c.title, c.term, c.time_zone, c.excused_policy,
         coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name, u.id)
                     FROM identity.course_teachers t JOIN identity.users u ON u.id = t.teacher_id
                    WHERE t.course_id = c.id), '[]'::json) AS teachers,
         (SELECT count(*) FROM identity.enrollments e WHERE e.course_id = c.id) AS student_count
    FROM identity.courses c`;

function toView(row: CourseRow): CourseView {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    term: row.term,
    timeZone: row.time_zone,
    excusedPolicy: row.excused_policy,
    teachers: row.teachers,
    studentCount: Number(row.student_count),
  };
}

@Injectable()
export class PostgresCourseRepository extends CourseRepository {
  constructor(@Inject(DataSource) private readonly db: Queryable) {
    super();
  }

  async create(c: { code: string; title: string; term: string } & CourseSettings): Promise<CourseView | null> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO identity.courses (code, title, term, time_zone, excused_policy) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [c.code, c.title, c.term, c.timeZone, c.excusedPolicy],
    );
    return rows[0] ? this.view(rows[0].id) : null;
  }

  async update(courseId: string, c: CourseChanges): Promise<CourseView | null> {
    const rows = updatedRows<{ id: string }>(
      await this.db.query(
        `UPDATE identity.courses
            SET title = coalesce($2, title), term = coalesce($3, term),
                time_zone = coalesce($4, time_zone), excused_policy = coalesce($5, excused_policy)
          WHERE id = $1 RETURNING id`,
        [courseId, c.title ?? null, c.term ?? null, c.timeZone ?? null, c.excusedPolicy ?? null],
      ),
    );
    return rows[0] ? this.view(courseId) : null;
  }

  async setTeachers(courseId: string, teacherIds: readonly string[]): Promise<CourseView | null> {
    const found = await this.db.transaction(async (tx) => {
      // Locks the course row, so two concurrent changes of its teachers apply one after the other.
      const rows: unknown[] = await tx.query('SELECT 1 FROM identity.courses WHERE id = $1 FOR UPDATE', [courseId]);
      if (rows.length === 0) return false;
      await tx.query('DELETE FROM identity.course_teachers WHERE course_id = $1 AND NOT (teacher_id = ANY($2::uuid[]))', [courseId, [...teacherIds]]);
      await tx.query('INSERT INTO identity.course_teachers (course_id, teacher_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [
        courseId,
        [...new Set(teacherIds)],
      ]);
      return true;
    });
    return found ? this.view(courseId) : null;
  }

  async list(filter: CourseFilter): Promise<CourseView[]> {
    const where =
      filter.kind === 'all'
        ? ''
        : filter.kind === 'teaching'
          ? 'WHERE EXISTS (SELECT 1 FROM identity.course_teachers t WHERE t.course_id = c.id AND t.teacher_id = $1)'
          : 'WHERE EXISTS (SELECT 1 FROM identity.enrollments e WHERE e.course_id = c.id AND e.student_id = $1)';
    const rows: CourseRow[] = await this.db.query(`${SelectViews} ${where} ORDER BY c.code`, filter.kind === 'all' ? [] : [filter.userId]);
    return rows.map(toView);
  }

  coursesOf(userId: string): Promise<CourseSummary[]> {
    return this.db.query(
      `SELECT c.id, c.code, c.title, 'teacher' AS relation, c.time_zone AS "timeZone", c.excused_policy AS "excusedPolicy"
         FROM identity.course_teachers t JOIN identity.courses c ON c.id = t.course_id
        WHERE t.teacher_id = $1
       UNION ALL
       SELECT c.id, c.code, c.title, 'student' AS relation, c.time_zone, c.excused_policy
         FROM identity.enrollments e JOIN identity.courses c ON c.id = e.course_id
        WHERE e.student_id = $1
       ORDER BY code, relation`,
      [userId],
    );
  }

  async find(courseId: string): Promise<CourseReply | null> {
    return (await this.withTeacherIds('c.id = $1', [courseId]))[0] ?? null;
  }

  findByCodes(codes: readonly string[]): Promise<CourseReply[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.withTeacherIds('upper(c.code) = ANY($1::text[])', [[...new Set(codes.map((c) => c.toUpperCase()))]]);
  }

  async exists(courseId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM identity.courses WHERE id = $1', [courseId]);
    return rows.length > 0;
  }

  async codes(ids: readonly string[]): Promise<Map<string, string>> {
    const valid = validUuids(ids);
    const rows: { id: string; name: string }[] = valid.length ? await this.db.query('SELECT id, code AS name FROM identity.courses WHERE id = ANY($1::uuid[])', [valid]) : [];
    return new Map(rows.map((c) => [c.id, c.name]));
  }

  async upsert(course: NewCourse): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO identity.courses (code, title, term) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, term = EXCLUDED.term
       RETURNING id`,
      [course.code, course.title, course.term],
    );
    return rows[0]!.id;
  }

  async addTeacher(courseId: string, teacherId: string): Promise<void> {
    await this.db.query('INSERT INTO identity.course_teachers (course_id, teacher_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [courseId, teacherId]);
  }

  private async view(courseId: string): Promise<CourseView | null> {
    const rows: CourseRow[] = await this.db.query(`${SelectViews} WHERE c.id = $1`, [courseId]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Roster imports (by code) and other services (by id) read the same shape; teacher ids come sorted. */
  private withTeacherIds(where: string, params: unknown[]): Promise<CourseReply[]> {
    return this.db.query(
      `SELECT c.id, c.code, c.title, c.time_zone AS "timeZone", c.excused_policy AS "excusedPolicy",
              coalesce(array_agg(t.teacher_id::text ORDER BY t.teacher_id) FILTER (WHERE t.teacher_id IS NOT NULL), '{}') AS "teacherIds"
         FROM identity.courses c LEFT JOIN identity.course_teachers t ON t.course_id = c.id
        WHERE ${where}
        GROUP BY c.id`,
      params,
    );
  }
}
