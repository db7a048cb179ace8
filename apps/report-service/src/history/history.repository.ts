import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReportRow } from '@classconnect/contracts';
import { HistoryStore, type ClosedSessionRecord, type HistoryRow } from './history.ports.js';

interface ClosedRow {
  session_id: string;
  course_id: string;
  opened_at: Date | null;
  closed_at: Date;
}

const toHistoryRow = (r: ReportRow): HistoryRow => ({
  studentId: r.studentId,
  name: r.name,
  email: r.email,
  status: r.status,
  changedByHand: r.override !== undefined,
});

const base = (r: ClosedRow) => ({
  sessionId: r.session_id,
  courseId: r.course_id,
  ...(r.opened_at ? { openedAt: r.opened_at.toISOString() } : {}),
  closedAt: r.closed_at.toISOString(),
});

/** Reads built reports joined with their sessions from the `report` schema (the projection of the ATTENDANCE stream). */
@Injectable()
export class HistoryRepository extends HistoryStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async closedSessionsOfCourse(courseId: string): Promise<ClosedSessionRecord[]> {
    const rows = (await this.ds.query(
      `SELECT r.session_id, r.course_id, s.opened_at, s.closed_at, r.rows
         FROM report.reports r JOIN report.sessions s ON s.session_id = r.session_id
        WHERE r.course_id = $1 AND s.closed_at IS NOT NULL
        ORDER BY s.closed_at DESC, r.session_id`,
      [courseId],
    )) as (ClosedRow & { rows: ReportRow[] })[];
    return rows.map((r) => ({ ...base(r), rows: r.rows.map(toHistoryRow) }));
  }

  async closedSessionsOfStudent(studentId: string, courseIds: string[]): Promise<ClosedSessionRecord[]> {
    if (courseIds.length === 0) return [];
    // `rows @> [{studentId}]` finds the reports through their GIN index; the lateral join picks the student's own row.
    const rows = (await this.ds.query(
      `SELECT r.session_id, r.course_id, s.opened_at, s.closed_at, e.row
         FROM report.reports r JOIN report.sessions s ON s.session_id = r.session_id
        CROSS JOIN LATERAL jsonb_array_elements(r.rows) AS e(row)
        WHERE r.course_id = ANY($2::uuid[]) AND s.closed_at IS NOT NULL
          AND r.rows @> $3::jsonb AND e.row->>'studentId' = $1
        ORDER BY s.closed_at DESC, r.session_id`,
      [studentId, courseIds, JSON.stringify([{ studentId }])],
    )) as (ClosedRow & { row: ReportRow })[];
    return rows.map((r) => ({ ...base(r), rows: [toHistoryRow(r.row)] }));
  }
}
