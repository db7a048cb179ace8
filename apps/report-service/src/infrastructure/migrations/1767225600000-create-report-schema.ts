import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections of the ATTENDANCE stream and the built reports. No coordinates are stored anywhere:
 * the events never carry them, only distances and accuracies.
 */
export class CreateReportSchema1767225600000 implements MigrationInterface {
  name = 'CreateReportSchema1767225600000';

  async up(q: QueryRunner): Promise<void> {
    // Columns filled by session.opened are nullable: a close or a mark may be projected before it.
    await q.query(`
      CREATE TABLE report.sessions (
        session_id    uuid PRIMARY KEY,
        course_id     uuid NOT NULL,
        course_code   text,
        course_title  text,
        teacher_id    uuid,
        opened_at     timestamptz,
        closed_at     timestamptz,
        radius_m      double precision,
        enrolled_ids  uuid[],
        closed_by     uuid,
        present_ids   uuid[],
        close_seen_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE report.checkins (
        submission_id text PRIMARY KEY,
        session_id    uuid NOT NULL,
        student_id    uuid NOT NULL,
        verdict       text NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
        reason        text,
        distance_m    double precision,
        accuracy_m    double precision,
        decided_at    timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX checkins_session_id_idx ON report.checkins (session_id)');
    await q.query(`
      CREATE TABLE report.marks (
        session_id    uuid NOT NULL,
        student_id    uuid NOT NULL,
        submission_id text NOT NULL,
        marked_at     timestamptz NOT NULL,
        distance_m    double precision NOT NULL,
        accuracy_m    double precision NOT NULL,
        methods       text[] NOT NULL,
        PRIMARY KEY (session_id, student_id)
      )`);
    await q.query(`
      CREATE TABLE report.reports (
        session_id    uuid PRIMARY KEY,
        course_id     uuid NOT NULL,
        built_at      timestamptz NOT NULL,
        present_count integer NOT NULL,
        absent_count  integer NOT NULL,
        rows          jsonb NOT NULL,
        published_at  timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report.reports');
    await q.query('DROP TABLE report.marks');
    await q.query('DROP TABLE report.checkins');
    await q.query('DROP TABLE report.sessions');
  }
}
