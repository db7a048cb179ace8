import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Attendance history reads every report of a course, and every report that lists one student. */
export class IndexReportsForHistory1795478400000 implements MigrationInterface {
  name = 'IndexReportsForHistory1795478400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX reports_course_id_idx ON report.reports (course_id)');
    await q.query('CREATE INDEX reports_rows_idx ON report.reports USING gin (rows jsonb_path_ops)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX report.reports_rows_idx');
    await q.query('DROP INDEX report.reports_course_id_idx');
  }
}
