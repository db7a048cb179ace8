import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReportRow } from '@classconnect/contracts';

/** One built report's row of one student, with its session. */
export interface StudentReportRow {
  sessionId: string;
  courseId: string;
  courseCode?: string;
  courseTitle?: string;
  openedAt?: string;
  closedAt: string;
  evidenceRemovedAt?: string;
  row: ReportRow;
}

/** Reads a student's own rows from every built report (Postgres; a fake in unit specs). */
export abstract class StudentRecordsStore {
  /** Every closed session whose report lists the student, newest first: the student's own row only. */
  abstract rowsOf(studentId: string): Promise<StudentReportRow[]>;
}

@Injectable()
export class PostgresStudentRecordsStore extends StudentRecordsStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async rowsOf(studentId: string): Promise<StudentReportRow[]> {
    // `rows @> [{studentId}]` uses the reports' GIN index; the lateral join keeps the student's own row, never a classmate's.
    const rows = (await this.ds.query(
      `SELECT r.session_id, r.course_id, s.course_code, s.course_title, s.opened_at, s.closed_at, r.evidence_removed_at, e.row
         FROM report.reports r JOIN report.sessions s ON s.session_id = r.session_id
        CROSS JOIN LATERAL jsonb_array_elements(r.rows) AS e(row)
        WHERE s.closed_at IS NOT NULL AND r.rows @> $2::jsonb AND e.row->>'studentId' = $1
        ORDER BY s.closed_at DESC, r.session_id`,
      [studentId, JSON.stringify([{ studentId }])],
    )) as {
      session_id: string;
      course_id: string;
      course_code: string | null;
      course_title: string | null;
      opened_at: Date | null;
      closed_at: Date;
      evidence_removed_at: Date | null;
      row: ReportRow;
    }[];
    return rows.map((r) => ({
      sessionId: r.session_id,
      courseId: r.course_id,
      ...(r.course_code !== null ? { courseCode: r.course_code } : {}),
      ...(r.course_title !== null ? { courseTitle: r.course_title } : {}),
      ...(r.opened_at ? { openedAt: r.opened_at.toISOString() } : {}),
      closedAt: r.closed_at.toISOString(),
      ...(r.evidence_removed_at ? { evidenceRemovedAt: r.evidence_removed_at.toISOString() } : {}),
      row: r.row,
    }));
  }
}
