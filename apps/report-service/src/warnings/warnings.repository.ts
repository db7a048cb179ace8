import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AttendanceStatus, WarningThresholds } from '@classconnect/contracts';
import { WarningStore, type CourseStatuses, type NewWarning, type StoredWarning, type WarningClear } from './warnings.ports.js';

interface WarningRow {
  warning_id: string;
  course_id: string;
  student_id: string;
  kind: StoredWarning['kind'];
  thresholds: WarningThresholds;
  figures: StoredWarning['figures'];
  session_id: string;
  raised_at: Date;
  raise_published: boolean;
  cleared_at: Date | null;
  clear_reason: StoredWarning['clearReason'] | null;
  clear_figures: StoredWarning['figures'] | null;
  clear_session_id: string | null;
  clear_published: boolean;
}

function toWarning(r: WarningRow): StoredWarning {
  return {
    warningId: r.warning_id,
    courseId: r.course_id,
    studentId: r.student_id,
    kind: r.kind,
    thresholds: r.thresholds,
    figures: r.figures,
    sessionId: r.session_id,
    raisedAt: r.raised_at.toISOString(),
    raisePublished: r.raise_published,
    ...(r.cleared_at ? { clearedAt: r.cleared_at.toISOString() } : {}),
    ...(r.clear_reason ? { clearReason: r.clear_reason } : {}),
    ...(r.clear_figures ? { clearFigures: r.clear_figures } : {}),
    ...(r.clear_session_id ? { clearSessionId: r.clear_session_id } : {}),
    clearPublished: r.clear_published,
  };
}

/** Warnings and thresholds in the `report` schema; statuses read from the built reports. */
@Injectable()
export class WarningsRepository extends WarningStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async courseOfReport(sessionId: string): Promise<string | null> {
    const [row] = (await this.ds.query('SELECT course_id FROM report.reports WHERE session_id = $1', [sessionId])) as { course_id: string }[];
    return row?.course_id ?? null;
  }

  async courseStatuses(courseId: string): Promise<CourseStatuses | null> {
    // Only the statuses leave Postgres: one line per (session, student), newest session first.
    const rows = (await this.ds.query(
      `SELECT r.session_id, e.row->>'studentId' AS student_id, e.row->>'status' AS status
         FROM report.reports r JOIN report.sessions s ON s.session_id = r.session_id
        CROSS JOIN LATERAL jsonb_array_elements(r.rows) AS e(row)
        WHERE r.course_id = $1 AND s.closed_at IS NOT NULL
        ORDER BY s.closed_at DESC, r.session_id`,
      [courseId],
    )) as { session_id: string; student_id: string; status: AttendanceStatus }[];
    if (rows.length === 0) return null;
    const newestSessionId = rows[0]!.session_id;
    const newestListed = new Set<string>();
    const byStudent = new Map<string, AttendanceStatus[]>();
    for (const r of rows) {
      if (r.session_id === newestSessionId) newestListed.add(r.student_id);
      const list = byStudent.get(r.student_id) ?? [];
      list.push(r.status);
      byStudent.set(r.student_id, list);
    }
    return { newestSessionId, newestListed, byStudent };
  }

  async thresholdsOf(courseId: string): Promise<WarningThresholds | null> {
    const [row] = (await this.ds.query(
      'SELECT min_rate, min_sessions, consecutive_absences, excused_policy FROM report.warning_thresholds WHERE course_id = $1',
      [courseId],
    )) as { min_rate: number; min_sessions: number; consecutive_absences: number; excused_policy: WarningThresholds['excusedPolicy'] }[];
    return row ? { minRate: row.min_rate, minSessions: row.min_sessions, consecutiveAbsences: row.consecutive_absences, excusedPolicy: row.excused_policy } : null;
  }

  async setThresholds(courseId: string, t: WarningThresholds | null, by: string, at: string): Promise<void> {
    if (!t) {
      await this.ds.query('DELETE FROM report.warning_thresholds WHERE course_id = $1', [courseId]);
      return;
    }
    await this.ds.query(
      `INSERT INTO report.warning_thresholds (course_id, min_rate, min_sessions, consecutive_absences, excused_policy, set_by, set_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (course_id) DO UPDATE SET min_rate = $2, min_sessions = $3, consecutive_absences = $4, excused_policy = $5, set_by = $6, set_at = $7`,
      [courseId, t.minRate, t.minSessions, t.consecutiveAbsences, t.excusedPolicy, by, at],
    );
  }

  async openOfCourse(courseId: string): Promise<StoredWarning[]> {
    const rows = (await this.ds.query('SELECT * FROM report.warnings WHERE course_id = $1 AND cleared_at IS NULL ORDER BY raised_at, kind', [courseId])) as WarningRow[];
    return rows.map(toWarning);
  }

  async openOfStudent(studentId: string): Promise<StoredWarning[]> {
    const rows = (await this.ds.query('SELECT * FROM report.warnings WHERE student_id = $1 AND cleared_at IS NULL ORDER BY raised_at, kind', [studentId])) as WarningRow[];
    return rows.map(toWarning);
  }

  async raise(w: NewWarning): Promise<boolean> {
    const [, affected] = (await this.ds.query(
      `INSERT INTO report.warnings (warning_id, course_id, student_id, kind, thresholds, figures, session_id, raised_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)
       ON CONFLICT (course_id, student_id, kind) WHERE cleared_at IS NULL DO NOTHING`,
      [w.warningId, w.courseId, w.studentId, w.kind, JSON.stringify(w.thresholds), JSON.stringify(w.figures), w.sessionId, w.raisedAt],
    )) as [unknown, number];
    return affected === 1;
  }

  async clear(warningId: string, c: WarningClear): Promise<boolean> {
    const [, affected] = (await this.ds.query(
      `UPDATE report.warnings SET cleared_at = $2, clear_reason = $3, clear_figures = $4::jsonb, clear_session_id = $5
        WHERE warning_id = $1 AND cleared_at IS NULL`,
      [warningId, c.at, c.reason, JSON.stringify(c.figures), c.sessionId],
    )) as [unknown, number];
    return affected === 1;
  }

  async unpublished(courseId: string): Promise<StoredWarning[]> {
    const rows = (await this.ds.query(
      `SELECT * FROM report.warnings
        WHERE course_id = $1 AND (NOT raise_published OR (cleared_at IS NOT NULL AND NOT clear_published))
        ORDER BY raised_at, kind`,
      [courseId],
    )) as WarningRow[];
    return rows.map(toWarning);
  }

  async markPublished(warningId: string, what: 'raise' | 'clear'): Promise<void> {
    await this.ds.query(`UPDATE report.warnings SET ${what === 'raise' ? 'raise_published' : 'clear_published'} = true WHERE warning_id = $1`, [warningId]);
  }
}
