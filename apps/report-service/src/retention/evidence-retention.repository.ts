import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withoutEvidenceSql } from './evidence.sql.js';

/** Removes check-in evidence in the `report` schema (Postgres; a fake in unit specs). */
export abstract class EvidenceStore {
  /**
   * Removes the evidence of up to `limit` built reports whose session closed at or before `cutoff`
   * and still holds it; returns their session ids. Safe to run from several instances at once.
   */
  abstract removeEvidence(cutoff: Date, at: Date, limit: number): Promise<string[]>;
}

@Injectable()
export class PostgresEvidenceStore extends EvidenceStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async removeEvidence(cutoff: Date, at: Date, limit: number): Promise<string[]> {
    return this.ds.transaction(async (tx) => {
      // SKIP LOCKED: two instances sweeping at once take different reports; each report is done once.
      // TypeORM answers an UPDATE (also one in a WITH) with [rows, affected].
      const [done] = (await tx.query(
        `WITH due AS (
           SELECT r.session_id FROM report.reports r JOIN report.sessions s ON s.session_id = r.session_id
            WHERE r.evidence_removed_at IS NULL AND s.closed_at IS NOT NULL AND s.closed_at <= $1
            ORDER BY s.closed_at LIMIT $2
              FOR UPDATE OF r SKIP LOCKED)
         UPDATE report.reports r SET rows = ${withoutEvidenceSql('r.rows')}, evidence_removed_at = $3
           FROM due WHERE r.session_id = due.session_id
         RETURNING r.session_id`,
        [cutoff.toISOString(), limit, at.toISOString()],
      )) as [{ session_id: string }[], number];
      const ids = done.map((d) => d.session_id);
      if (ids.length === 0) return ids;
      // The projection rows keep the status and the time; a replayed event never brings the rest back (inserts do nothing on conflict).
      await tx.query('UPDATE report.marks SET distance_m = NULL, accuracy_m = NULL, methods = NULL WHERE session_id = ANY($1::uuid[])', [ids]);
      await tx.query('UPDATE report.checkins SET reason = NULL, distance_m = NULL, accuracy_m = NULL WHERE session_id = ANY($1::uuid[])', [ids]);
      // Flags are evidence too (they are added to the rows when a report is read).
      await tx.query('DELETE FROM report.checkin_flags WHERE session_id = ANY($1::uuid[])', [ids]);
      return ids;
    });
  }
}
