import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of check-in evidence: after the configured period a session's distances, accuracies,
 * methods and rejection details are removed (set to null) and only statuses, times and changes by
 * hand stay. The report records when that happened.
 */
export class EvidenceRetention1796300000001 implements MigrationInterface {
  name = 'EvidenceRetention1796300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report.marks ALTER COLUMN distance_m DROP NOT NULL, ALTER COLUMN accuracy_m DROP NOT NULL, ALTER COLUMN methods DROP NOT NULL');
    await q.query('ALTER TABLE report.reports ADD COLUMN evidence_removed_at timestamptz');
    await q.query('CREATE INDEX sessions_closed_at_idx ON report.sessions (closed_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX report.sessions_closed_at_idx');
    await q.query('ALTER TABLE report.reports DROP COLUMN evidence_removed_at');
    // Removed evidence does not come back: NaN and no methods say "not known" without inventing a measurement.
    await q.query(`UPDATE report.marks SET distance_m = coalesce(distance_m, 'NaN'), accuracy_m = coalesce(accuracy_m, 'NaN'), methods = coalesce(methods, '{}')`);
    await q.query('ALTER TABLE report.marks ALTER COLUMN distance_m SET NOT NULL, ALTER COLUMN accuracy_m SET NOT NULL, ALTER COLUMN methods SET NOT NULL');
  }
}
