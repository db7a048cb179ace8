import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session stopped by mistake may be reopened (attendance.session.reopened.v1): the projection keeps
 * when it was last reopened (a close projected from before that no longer stands) and how many times
 * (the report's events of each close go under dedup keys of their own).
 */
export class AddSessionReopens1796700000000 implements MigrationInterface {
  name = 'AddSessionReopens1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report.sessions ADD COLUMN reopened_at timestamptz, ADD COLUMN reopens integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report.sessions DROP COLUMN reopened_at, DROP COLUMN reopens');
  }
}
