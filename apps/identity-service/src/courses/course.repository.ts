import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CourseReply, CourseSummary, RosterReply } from '@classconnect/contracts';

export type RosterStudent = RosterReply['students'][number];

/** Reads courses, who teaches them and who is enrolled. A port, so services can use a fake. */
export abstract class CourseRepository {
  /** Courses the user teaches or is enrolled in, each with the user's relation to it. */
  abstract coursesOf(userId: string): Promise<CourseSummary[]>;
  abstract findCourse(courseId: string): Promise<CourseReply | null>;
  /** Enrolled students sorted by name; null when the course does not exist. */
  abstract roster(courseId: string): Promise<RosterStudent[] | null>;
}

@Injectable()
export class PostgresCourseRepository extends CourseRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  coursesOf(userId: string): Promise<CourseSummary[]> {
    return this.db.query(
      `SELECT c.id, c.code, c.title, 'teacher' AS relation
         FROM identity.course_teachers t JOIN identity.courses c ON c.id = t.course_id
        WHERE t.teacher_id = $1
       UNION ALL
       SELECT c.id, c.code, c.title, 'student' AS relation
         FROM identity.enrollments e JOIN identity.courses c ON c.id = e.course_id
        WHERE e.student_id = $1
       ORDER BY code, relation`,
      [userId],
    );
  }

  async findCourse(courseId: string): Promise<CourseReply | null> {
    const rows: CourseReply[] = await this.db.query(
      `SELECT c.id, c.code, c.title,
              coalesce(array_agg(t.teacher_id::text ORDER BY t.teacher_id) FILTER (WHERE t.teacher_id IS NOT NULL), '{}') AS "teacherIds"
         FROM identity.courses c LEFT JOIN identity.course_teachers t ON t.course_id = c.id
        WHERE c.id = $1
        GROUP BY c.id`,
      [courseId],
    );
    return rows[0] ?? null;
  }

  async roster(courseId: string): Promise<RosterStudent[] | null> {
    const exists: unknown[] = await this.db.query('SELECT 1 FROM identity.courses WHERE id = $1', [courseId]);
    if (exists.length === 0) return null;
    return this.db.query(
      `SELECT u.id, u.name, u.email
         FROM identity.enrollments e JOIN identity.users u ON u.id = e.student_id
        WHERE e.course_id = $1
        ORDER BY u.name, u.email`,
      [courseId],
    );
  }
}
