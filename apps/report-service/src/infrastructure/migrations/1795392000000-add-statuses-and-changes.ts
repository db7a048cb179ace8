import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statuses beyond present/absent: a check-in's own status (present or late), every change a
 * teacher made by hand (kept whole: the audit of who changed what, when and why), and a revision
 * on built reports so a change after the report was built updates it and is announced once.
 */
export class AddStatusesAndChanges1795392000000 implements MigrationInterface {
  name = 'AddStatusesAndChanges1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report.marks ADD COLUMN status text NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'late'))`);
    await q.query(`
      CREATE TABLE report.mark_changes (
        session_id      uuid NOT NULL,
        student_id      uuid NOT NULL,
        sequence        integer NOT NULL,
        course_id       uuid NOT NULL,
        status          text NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
        previous_status text NOT NULL,
        reason          text NOT NULL,
        changed_by      uuid NOT NULL,
        changed_at      timestamptz NOT NULL,
        PRIMARY KEY (session_id, student_id, sequence)
      )`);
    await q.query('ALTER TABLE report.reports ADD COLUMN revision integer NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE report.reports ADD COLUMN published_revision integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report.reports DROP COLUMN published_revision');
    await q.query('ALTER TABLE report.reports DROP COLUMN revision');
    await q.query('DROP TABLE report.mark_changes');
    await q.query('ALTER TABLE report.marks DROP COLUMN status');
  }
}
