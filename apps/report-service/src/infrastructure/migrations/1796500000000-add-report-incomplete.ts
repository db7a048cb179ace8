import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report built when its wait ran out, before every event it waits for had arrived, records what
 * was missing (`{ reason, missingStudentIds, openedMissing }`); null once nothing is missing.
 */
export class AddReportIncomplete1796500000000 implements MigrationInterface {
  name = 'AddReportIncomplete1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report.reports ADD COLUMN incomplete jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report.reports DROP COLUMN incomplete');
  }
}
