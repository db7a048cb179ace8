import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ProjectionStore, type ProjectionBatch } from './projection-batch.js';

/** A mark's fields, v1 and v2 alike. */
const MarkFields = ['sessionId', 'studentId', 'submissionId', 'markedAt', 'distanceM', 'accuracyM', 'methods'] as const;

const snakeCase = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Events as rows for `jsonb_to_recordset`: each named field under its snake_case column
 * (`radiusM` → `radius_m`), and the columns `more` computes. A field an event lacks is left out,
 * which the statement reads as NULL.
 */
function asRows<E extends object>(events: readonly E[], fields: readonly (keyof E & string)[], more: (e: E) => Record<string, unknown> = () => ({})) {
  return events.map((e) => {
    const row: Record<string, unknown> = {};
    for (const field of fields) row[snakeCase(field)] = e[field];
    return { ...row, ...more(e) };
  });
}

/**
 * Writes a batch of events in one transaction. Every statement is idempotent, and each event
 * fills only its own columns, so events of a session may arrive in any order and more than once.
 */
@Injectable()
export class ProjectionRepository extends ProjectionStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async apply(batch: ProjectionBatch, seenAt: Date): Promise<void> {
    await this.ds.transaction(async (tx) => {
      if (batch.opened.length) await this.upsertOpened(tx, batch.opened);
      if (batch.closed.length) await this.upsertClosed(tx, batch.closed, seenAt);
      // After the closes: a close and the reopening that undoes it, in one batch, leave the session open.
      if (batch.reopened?.length) await this.upsertReopened(tx, batch.reopened);
      if (batch.verified.length || batch.rejected.length) await this.insertCheckins(tx, batch);
      // v2 first: within one batch its status is written, and the v1 row of the same check-in then finds it there.
      if (batch.marksV2.length) await this.upsertMarksV2(tx, batch.marksV2);
      if (batch.marks.length) await this.insertMarks(tx, batch.marks);
      if (batch.changes.length) await this.insertChanges(tx, batch.changes);
      if (batch.flags?.length) await this.insertFlags(tx, batch.flags);
    });
  }

  private async upsertOpened(tx: EntityManager, events: ProjectionBatch['opened']): Promise<void> {
    const rows = asRows(events, ['sessionId', 'courseId', 'courseCode', 'courseTitle', 'teacherId', 'openedAt', 'radiusM'], (e) => ({ enrolled_ids: e.enrolledStudentIds }));
    await tx.query(
      `INSERT INTO report.sessions (session_id, course_id, course_code, course_title, teacher_id, opened_at, radius_m, enrolled_ids)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(session_id uuid, course_id uuid, course_code text, course_title text,
         teacher_id uuid, opened_at timestamptz, radius_m double precision, enrolled_ids uuid[])
       ON CONFLICT (session_id) DO UPDATE SET
         course_id = EXCLUDED.course_id, course_code = EXCLUDED.course_code, course_title = EXCLUDED.course_title,
         teacher_id = EXCLUDED.teacher_id, opened_at = EXCLUDED.opened_at, radius_m = EXCLUDED.radius_m,
         enrolled_ids = EXCLUDED.enrolled_ids`,
      [JSON.stringify(rows)],
    );
  }

  private async upsertClosed(tx: EntityManager, events: ProjectionBatch['closed'], seenAt: Date): Promise<void> {
    const rows = asRows(events, ['sessionId', 'courseId', 'closedAt', 'closedBy'], (e) => ({ present_ids: e.presentStudentIds }));
    // close_seen_at keeps the first time the close was projected: the wait for late marks counts from it.
    // A close from before the session's latest reopening no longer stands (a redelivery, or events out of order).
    await tx.query(
      `INSERT INTO report.sessions (session_id, course_id, closed_at, closed_by, present_ids, close_seen_at)
       SELECT x.*, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS x(session_id uuid, course_id uuid,
         closed_at timestamptz, closed_by uuid, present_ids uuid[])
       ON CONFLICT (session_id) DO UPDATE SET
         closed_at = EXCLUDED.closed_at, closed_by = EXCLUDED.closed_by, present_ids = EXCLUDED.present_ids,
         close_seen_at = COALESCE(report.sessions.close_seen_at, EXCLUDED.close_seen_at)
       WHERE report.sessions.reopened_at IS NULL OR EXCLUDED.closed_at > report.sessions.reopened_at`,
      [JSON.stringify(rows), seenAt.toISOString()],
    );
  }

  /**
   * A Stop undone: the close it undid (any close at or before the reopening) is cleared, so the
   * session reads as live again, and the report built from that close is dropped: the next close
   * builds it again with everything since. A close after the reopening (events out of order) stays.
   */
  private async upsertReopened(tx: EntityManager, events: NonNullable<ProjectionBatch['reopened']>): Promise<void> {
    const rows = asRows(events, ['sessionId', 'courseId', 'reopenedAt', 'reopenCount']);
    await tx.query(
      `WITH reopened AS (
         INSERT INTO report.sessions AS s (session_id, course_id, reopened_at, reopens)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(session_id uuid, course_id uuid, reopened_at timestamptz, reopen_count integer)
         ON CONFLICT (session_id) DO UPDATE SET
           reopened_at = GREATEST(s.reopened_at, EXCLUDED.reopened_at),
           reopens = GREATEST(s.reopens, EXCLUDED.reopens),
           closed_at = CASE WHEN s.closed_at <= EXCLUDED.reopened_at THEN NULL ELSE s.closed_at END,
           closed_by = CASE WHEN s.closed_at <= EXCLUDED.reopened_at THEN NULL ELSE s.closed_by END,
           present_ids = CASE WHEN s.closed_at <= EXCLUDED.reopened_at THEN NULL ELSE s.present_ids END,
           close_seen_at = CASE WHEN s.closed_at <= EXCLUDED.reopened_at THEN NULL ELSE s.close_seen_at END
         RETURNING s.session_id, s.closed_at
       )
       DELETE FROM report.reports r USING reopened WHERE r.session_id = reopened.session_id AND reopened.closed_at IS NULL`,
      [JSON.stringify(rows)],
    );
  }

  private async insertCheckins(tx: EntityManager, batch: ProjectionBatch): Promise<void> {
    const decided = ['submissionId', 'sessionId', 'studentId', 'distanceM', 'accuracyM'] as const;
    const rows = [
      ...asRows(batch.verified, decided, (e) => ({ verdict: 'accepted', decided_at: e.verifiedAt })),
      ...asRows(batch.rejected, [...decided, 'reason'], (e) => ({ verdict: 'rejected', decided_at: e.rejectedAt })),
    ];
    await tx.query(
      `INSERT INTO report.checkins (submission_id, session_id, student_id, verdict, reason, distance_m, accuracy_m, decided_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(submission_id text, session_id uuid, student_id uuid, verdict text,
         reason text, distance_m double precision, accuracy_m double precision, decided_at timestamptz)
       ON CONFLICT (submission_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  private async upsertMarksV2(tx: EntityManager, events: ProjectionBatch['marksV2']): Promise<void> {
    const rows = asRows(events, [...MarkFields, 'status']);
    // The same check-in as its v1 event: only the status is v2's to add.
    await tx.query(
      `INSERT INTO report.marks (session_id, student_id, submission_id, marked_at, distance_m, accuracy_m, methods, status)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(session_id uuid, student_id uuid, submission_id text,
         marked_at timestamptz, distance_m double precision, accuracy_m double precision, methods text[], status text)
       ON CONFLICT (session_id, student_id) DO UPDATE SET status = EXCLUDED.status
         WHERE report.marks.submission_id = EXCLUDED.submission_id`,
      [JSON.stringify(rows)],
    );
  }

  /** Check-in flags: a flag already projected for the check-in keeps its first sentence. */
  private async insertFlags(tx: EntityManager, rows: NonNullable<ProjectionBatch['flags']>): Promise<void> {
    await tx.query(
      `INSERT INTO report.checkin_flags (submission_id, code, session_id, course_id, student_id, detail, flagged_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(submission_id text, code text, session_id uuid, course_id uuid,
         student_id uuid, detail text, flagged_at timestamptz)
       ON CONFLICT (submission_id, code) DO NOTHING`,
      [JSON.stringify(asRows(rows, ['submissionId', 'code', 'sessionId', 'courseId', 'studentId', 'detail', 'flaggedAt']))],
    );
  }

  private async insertChanges(tx: EntityManager, events: ProjectionBatch['changes']): Promise<void> {
    const rows = asRows(events, ['sessionId', 'studentId', 'sequence', 'courseId', 'status', 'previousStatus', 'reason', 'changedBy', 'changedAt']);
    await tx.query(
      `INSERT INTO report.mark_changes (session_id, student_id, sequence, course_id, status, previous_status, reason, changed_by, changed_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(session_id uuid, student_id uuid, sequence integer, course_id uuid,
         status text, previous_status text, reason text, changed_by uuid, changed_at timestamptz)
       ON CONFLICT (session_id, student_id, sequence) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  private async insertMarks(tx: EntityManager, events: ProjectionBatch['marks']): Promise<void> {
    const rows = asRows(events, MarkFields);
    // A student is marked at most once per session: the first mark stands.
    await tx.query(
      `INSERT INTO report.marks (session_id, student_id, submission_id, marked_at, distance_m, accuracy_m, methods)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(session_id uuid, student_id uuid, submission_id text,
         marked_at timestamptz, distance_m double precision, accuracy_m double precision, methods text[])
       ON CONFLICT (session_id, student_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
}
