import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Check-in flags (attendance.checkin.flagged.v1): one row per flagged check-in and code, the
 * first event's sentence kept. Codes and sentences only: never a coordinate.
 */
export class AddCheckinFlags1796400000000 implements MigrationInterface {
  name = 'AddCheckinFlags1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report.checkin_flags (
        submission_id text NOT NULL,
        code          text NOT NULL,
        session_id    uuid NOT NULL,
        course_id     uuid NOT NULL,
        student_id    uuid NOT NULL,
        detail        text NOT NULL,
        flagged_at    timestamptz NOT NULL,
        PRIMARY KEY (submission_id, code)
      )`);
    await q.query('CREATE INDEX checkin_flags_session ON report.checkin_flags (session_id, student_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report.checkin_flags');
  }
}
