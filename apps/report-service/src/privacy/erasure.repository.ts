import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ReportIncomplete, ReportRow } from '@classconnect/contracts';
import { eraseFromReport, mentionsOf, scrubMentions, type ErasedAttendance } from './erase-rows.js';
import { ErasureStore, type ErasureOutcome } from './erasure.ports.js';

/**
 * The person's data across the `report` schema: push subscriptions; their row in built reports;
 * mentions of them in the reasons of changes by hand; and, when attendance is removed, their
 * check-ins, marks, flags, changes by hand, warnings and their place in sessions' lists. Every
 * table is keyed by ids; names and emails are only in the reports' rows (and in free text).
 */
@Injectable()
export class ErasureRepository extends ErasureStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async erase(userId: string, attendance: ErasedAttendance): Promise<ErasureOutcome> {
    return this.ds.transaction(async (tx) => {
      const outcome: ErasureOutcome = { pushSubscriptions: 0, reports: [], reasonsScrubbed: 0, checkins: 0, marks: 0, flags: 0, handMarks: 0, warnings: 0, sessions: 0 };
      outcome.pushSubscriptions = await affected(tx, 'DELETE FROM report.push_subscriptions WHERE user_id = $1', [userId]);
      // Remembered (the id only), so a report rebuild from the stream can erase them again.
      await tx.query(
        `INSERT INTO report.erased_people (user_id, attendance) VALUES ($1, $2)
          ON CONFLICT (user_id) DO UPDATE SET attendance = CASE WHEN report.erased_people.attendance = 'removed' THEN 'removed' ELSE EXCLUDED.attendance END`,
        [userId, attendance],
      );

      // Locked in one order, so a rebuild (optimistic, on the revision) or the evidence sweep waits or retries rather than writing old rows back.
      const reports = (await tx.query(
        `SELECT session_id, rows, incomplete FROM report.reports WHERE rows @> $1::jsonb ORDER BY session_id FOR UPDATE`,
        [JSON.stringify([{ studentId: userId }])],
      )) as { session_id: string; rows: ReportRow[]; incomplete: ReportIncomplete | null }[];
      const mentions = mentionsOf(reports.flatMap((r) => r.rows), userId);

      if (attendance === 'removed') {
        outcome.checkins = await affected(tx, 'DELETE FROM report.checkins WHERE student_id = $1', [userId]);
        outcome.marks = await affected(tx, 'DELETE FROM report.marks WHERE student_id = $1', [userId]);
        outcome.flags = await affected(tx, 'DELETE FROM report.checkin_flags WHERE student_id = $1', [userId]);
        outcome.handMarks = await affected(tx, 'DELETE FROM report.mark_changes WHERE student_id = $1', [userId]);
        outcome.warnings = await affected(tx, 'DELETE FROM report.warnings WHERE student_id = $1', [userId]);
        outcome.sessions = await affected(
          tx,
          `UPDATE report.sessions SET enrolled_ids = array_remove(enrolled_ids, $1::uuid), present_ids = array_remove(present_ids, $1::uuid)
            WHERE $1::uuid = ANY(enrolled_ids) OR $1::uuid = ANY(present_ids)`,
          [userId],
        );
      }

      for (const r of reports) {
        const next = eraseFromReport(r, userId, attendance, mentions);
        if (!next) continue;
        // The revision moves on, so a rebuild that read the report before this waits its turn, and the change is announced.
        await tx.query(
          `UPDATE report.reports SET rows = $2::jsonb, present_count = $3, absent_count = $4, incomplete = $5::jsonb, revision = revision + 1
            WHERE session_id = $1`,
          [r.session_id, JSON.stringify(next.rows), next.presentCount, next.absentCount, next.incomplete ? JSON.stringify(next.incomplete) : null],
        );
        outcome.reports.push(r.session_id);
      }

      // A rebuild takes each row's reason from mark_changes: scrubbed there as in the rows, so both agree.
      if (mentions.length > 0) {
        const changes = (await tx.query(
          `SELECT session_id, student_id, sequence, reason FROM report.mark_changes WHERE student_id = $1 OR session_id = ANY($2::uuid[])`,
          [userId, reports.map((r) => r.session_id)],
        )) as { session_id: string; student_id: string; sequence: number; reason: string }[];
        for (const c of changes) {
          const reason = scrubMentions(c.reason, mentions);
          if (reason === c.reason) continue;
          await tx.query('UPDATE report.mark_changes SET reason = $4 WHERE session_id = $1 AND student_id = $2 AND sequence = $3', [c.session_id, c.student_id, c.sequence, reason]);
          outcome.reasonsScrubbed++;
        }
      }
      return outcome;
    });
  }
}

async function affected(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const [, n] = (await tx.query(sql, params)) as [unknown, number];
  return n;
}
