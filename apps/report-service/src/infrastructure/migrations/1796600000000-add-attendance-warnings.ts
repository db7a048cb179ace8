import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Low-attendance warnings: a course's own thresholds (absent: the deployment's), and each warning
 * raised, open until cleared. At most one open warning per (course, student, kind); whether its
 * raise and its clear were published, so a crash between the write and the publish is repaired
 * at the next evaluation of the course.
 */
export class AddAttendanceWarnings1796600000000 implements MigrationInterface {
  name = 'AddAttendanceWarnings1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report.warning_thresholds (
        course_id            uuid PRIMARY KEY,
        min_rate             double precision NOT NULL CHECK (min_rate BETWEEN 0 AND 1),
        min_sessions         integer NOT NULL CHECK (min_sessions >= 1),
        consecutive_absences integer NOT NULL CHECK (consecutive_absences >= 0),
        excused_policy       text NOT NULL CHECK (excused_policy IN ('exclude', 'absent', 'attended')),
        set_by               uuid NOT NULL,
        set_at               timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE report.warnings (
        warning_id        uuid PRIMARY KEY,
        course_id         uuid NOT NULL,
        student_id        uuid NOT NULL,
        kind              text NOT NULL CHECK (kind IN ('LOW_RATE', 'CONSECUTIVE_ABSENCES')),
        thresholds        jsonb NOT NULL,
        figures           jsonb NOT NULL,
        session_id        uuid NOT NULL,
        raised_at         timestamptz NOT NULL,
        raise_published   boolean NOT NULL DEFAULT false,
        cleared_at        timestamptz,
        clear_reason      text,
        clear_figures     jsonb,
        clear_session_id  uuid,
        clear_published   boolean NOT NULL DEFAULT false
      )`);
    await q.query('CREATE UNIQUE INDEX warnings_open ON report.warnings (course_id, student_id, kind) WHERE cleared_at IS NULL');
    await q.query('CREATE INDEX warnings_student ON report.warnings (student_id) WHERE cleared_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report.warnings');
    await q.query('DROP TABLE report.warning_thresholds');
  }
}
