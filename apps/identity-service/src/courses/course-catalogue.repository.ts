import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CourseView } from '@classconnect/contracts';

export type CourseFilter = { kind: 'all' } | { kind: 'teaching' | 'enrolled'; userId: string };

/** Creates and changes courses and lists them with their teachers and student counts. A port, so the service can use a fake. */
export abstract class CourseCatalogueRepository {
  /** The new course, or null when another course has this code. */
  abstract create(course: { code: string; title: string; term: string }): Promise<CourseView | null>;
  /** The changed course, or null when there is no such course. */
  abstract update(courseId: string, changes: { title?: string; term?: string }): Promise<CourseView | null>;
  /** Replaces the course's teachers; null when there is no such course. */
  abstract setTeachers(courseId: string, teacherIds: readonly string[]): Promise<CourseView | null>;
  /** Of these ids, the ones that are not teacher accounts. */
  abstract notTeachers(ids: readonly string[]): Promise<string[]>;
  abstract list(filter: CourseFilter): Promise<CourseView[]>;
}

interface CourseRow {
  id: string;
  code: string;
  title: string;
  term: string | null;
  teachers: { id: string; name: string }[];
  student_count: string | number;
}

const SelectViews = `
  SELECT c.id, c.code, c.title, c.term,
         coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name, u.id)
                     FROM identity.course_teachers t JOIN identity.users u ON u.id = t.teacher_id
                    WHERE t.course_id = c.id), '[]'::json) AS teachers,
         (SELECT count(*) FROM identity.enrollments e WHERE e.course_id = c.id) AS student_count
    FROM identity.courses c`;

function toView(row: CourseRow): CourseView {
  return { id: row.id, code: row.code, title: row.title, term: row.term, teachers: row.teachers, studentCount: Number(row.student_count) };
}

@Injectable()
export class PostgresCourseCatalogueRepository extends CourseCatalogueRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  async create(c: { code: string; title: string; term: string }): Promise<CourseView | null> {
    const rows: { id: string }[] = await this.db.query(
      'INSERT INTO identity.courses (code, title, term) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING RETURNING id',
      [c.code, c.title, c.term],
    );
    return rows[0] ? this.one(rows[0].id) : null;
  }

  async update(courseId: string, c: { title?: string; term?: string }): Promise<CourseView | null> {
    // typeorm answers an UPDATE with [rows, affected count].
    const [rows]: [{ id: string }[], number] = await this.db.query(
      'UPDATE identity.courses SET title = coalesce($2, title), term = coalesce($3, term) WHERE id = $1 RETURNING id',
      [courseId, c.title ?? null, c.term ?? null],
    );
    return rows[0] ? this.one(courseId) : null;
  }

  async setTeachers(courseId: string, teacherIds: readonly string[]): Promise<CourseView | null> {
    const found = await this.db.transaction(async (tx) => {
      // Locks the course row, so two concurrent changes of its teachers apply one after the other.
      const rows: unknown[] = await tx.query('SELECT 1 FROM identity.courses WHERE id = $1 FOR UPDATE', [courseId]);
      if (rows.length === 0) return false;
      await tx.query('DELETE FROM identity.course_teachers WHERE course_id = $1 AND NOT (teacher_id = ANY($2::uuid[]))', [courseId, [...teacherIds]]);
      await tx.query(
        'INSERT INTO identity.course_teachers (course_id, teacher_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
        [courseId, [...new Set(teacherIds)]],
      );
      return true;
    });
    return found ? this.one(courseId) : null;
  }

  async notTeachers(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await this.db.query(
      `SELECT x.id FROM unnest($1::uuid[]) AS x(id)
        WHERE NOT EXISTS (SELECT 1 FROM identity.users u WHERE u.id = x.id AND u.role = 'teacher')`,
      [[...new Set(ids)]],
    );
    return rows.map((r) => r.id);
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

  private async one(courseId: string): Promise<CourseView | null> {
    const rows: CourseRow[] = await this.db.query(`${SelectViews} WHERE c.id = $1`, [courseId]);
    return rows[0] ? toView(rows[0]) : null;
  }
}
