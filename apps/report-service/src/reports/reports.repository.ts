import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CheckinFlag, ReportIncomplete, ReportRow } from '@classconnect/contracts';
import { withoutEvidenceSql } from '../retention/evidence.sql.js';
import { ReportStore, type MarkRecord, type OverrideRecord, type ReportUpdate, type SessionRecord, type StoredReport } from './report.ports.js';

interface SessionRow {
  session_id: string;
  course_id: string;
  course_code: string | null;
  course_title: string | null;
  teacher_id: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  enrolled_ids: string[] | null;
  present_ids: string[] | null;
  close_seen_at: Date | null;
  reopened_at?: Date | null;
  reopens?: number;
}

interface ReportTableRow {
  session_id: string;
  course_id: string;
  built_at: Date;
  present_count: number;
  absent_count: number;
  rows: ReportRow[];
  published_at: Date | null;
  revision: number;
  published_revision: number;
  evidence_removed_at?: Date | null;
  incomplete?: ReportIncomplete | null;
  /** From report.sessions. */
  reopens?: number | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

/** Reads the projection and reads/writes built reports in the `report` schema. */
@Injectable()
export class ReportsRepository extends ReportStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async findSession(sessionId: string): Promise<SessionRecord | null> {
    const [row] = (await this.ds.query('SELECT * FROM report.sessions WHERE session_id = $1', [sessionId])) as SessionRow[];
    if (!row) return null;
    return dropUndefined({
      sessionId: row.session_id,
      courseId: row.course_id,
      courseCode: row.course_code ?? undefined,
      courseTitle: row.course_title ?? undefined,
      teacherId: row.teacher_id ?? undefined,
      openedAt: iso(row.opened_at),
      closedAt: iso(row.closed_at),
      closedBy: row.closed_by ?? undefined,
      enrolledIds: row.enrolled_ids ?? undefined,
      presentIds: row.present_ids ?? undefined,
      closeSeenAt: iso(row.close_seen_at),
      reopenedAt: iso(row.reopened_at ?? null),
      reopens: row.reopens ? row.reopens : undefined,
    });
  }

  async marksOf(sessionId: string): Promise<MarkRecord[]> {
    const rows = (await this.ds.query(
      `SELECT student_id, submission_id, marked_at, distance_m, accuracy_m, methods, status
         FROM report.marks WHERE session_id = $1 ORDER BY marked_at`,
      [sessionId],
    )) as { student_id: string; submission_id: string; marked_at: Date; distance_m: number | null; accuracy_m: number | null; methods: string[] | null; status: 'present' | 'late' }[];
    // Evidence removed after the retention period reads as absent (null columns), never as 0.
    return rows.map((r) => ({
      studentId: r.student_id,
      submissionId: r.submission_id,
      markedAt: r.marked_at.toISOString(),
      ...(r.distance_m !== null ? { distanceM: r.distance_m } : {}),
      ...(r.accuracy_m !== null ? { accuracyM: r.accuracy_m } : {}),
      ...(r.methods !== null ? { methods: r.methods } : {}),
      status: r.status,
    }));
  }

  async overridesOf(sessionId: string): Promise<Map<string, OverrideRecord>> {
    const rows = (await this.ds.query(
      `SELECT DISTINCT ON (student_id) student_id, status, reason, changed_by, changed_at, sequence
         FROM report.mark_changes WHERE session_id = $1
        ORDER BY student_id, sequence DESC`,
      [sessionId],
    )) as { student_id: string; status: OverrideRecord['status']; reason: string; changed_by: string; changed_at: Date; sequence: number }[];
    return new Map(
      rows.map((r) => [
        r.student_id,
        { studentId: r.student_id, status: r.status, reason: r.reason, changedBy: r.changed_by, changedAt: r.changed_at.toISOString(), sequence: r.sequence },
      ]),
    );
  }

  async lastRejectionsOf(sessionId: string): Promise<Map<string, string>> {
    const rows = (await this.ds.query(
      `SELECT DISTINCT ON (student_id) student_id, reason
         FROM report.checkins WHERE session_id = $1 AND verdict = 'rejected' AND reason IS NOT NULL
        ORDER BY student_id, decided_at DESC, submission_id DESC`,
      [sessionId],
    )) as { student_id: string; reason: string }[];
    return new Map(rows.map((r) => [r.student_id, r.reason]));
  }

  async findReport(sessionId: string): Promise<StoredReport | null> {
    const [row] = (await this.ds.query(
      'SELECT r.*, s.reopens FROM report.reports r LEFT JOIN report.sessions s ON s.session_id = r.session_id WHERE r.session_id = $1',
      [sessionId],
    )) as ReportTableRow[];
    return row ? toStoredReport(row) : null;
  }

  async builtAmong(sessionIds: string[]): Promise<Set<string>> {
    const rows = (await this.ds.query('SELECT session_id FROM report.reports WHERE session_id = ANY($1::uuid[])', [sessionIds])) as { session_id: string }[];
    return new Set(rows.map((r) => r.session_id));
  }

  async saveReport(report: StoredReport): Promise<StoredReport> {
    await this.ds.query(
      `INSERT INTO report.reports (session_id, course_id, built_at, present_count, absent_count, rows, incomplete)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
       ON CONFLICT (session_id) DO NOTHING`,
      [report.sessionId, report.courseId, report.builtAt, report.presentCount, report.absentCount, JSON.stringify(report.rows), jsonOrNull(report.incomplete)],
    );
    const stored = await this.findReport(report.sessionId);
    if (!stored) throw new Error(`report ${report.sessionId} vanished right after it was stored`);
    return stored;
  }

  async markPublished(sessionId: string, at: Date): Promise<void> {
    await this.ds.query('UPDATE report.reports SET published_at = $2 WHERE session_id = $1 AND published_at IS NULL', [sessionId, at.toISOString()]);
  }

  async updateReport(sessionId: string, fromRevision: number, update: ReportUpdate): Promise<boolean> {
    const [, affected] = (await this.ds.query(
      // A rebuild that read the projection just before the evidence sweep must not bring the evidence back.
      `UPDATE report.reports
          SET rows = CASE WHEN evidence_removed_at IS NULL THEN $3::jsonb ELSE ${withoutEvidenceSql('$3::jsonb')} END,
              present_count = $4, absent_count = $5, incomplete = $6::jsonb, revision = revision + 1
        WHERE session_id = $1 AND revision = $2`,
      [sessionId, fromRevision, JSON.stringify(update.rows), update.presentCount, update.absentCount, jsonOrNull(update.incomplete)],
    )) as [unknown, number];
    return affected === 1;
  }

  async flagsOf(sessionId: string): Promise<Map<string, CheckinFlag[]>> {
    const rows = (await this.ds.query(
      `SELECT student_id, code, detail FROM report.checkin_flags WHERE session_id = $1 ORDER BY flagged_at, code`,
      [sessionId],
    )) as { student_id: string; code: CheckinFlag['code']; detail: string }[];
    const byStudent = new Map<string, CheckinFlag[]>();
    for (const r of rows) {
      const flags = byStudent.get(r.student_id) ?? [];
      // One flag per code: a student has one accepted check-in per session.
      if (!flags.some((f) => f.code === r.code)) flags.push({ code: r.code, detail: r.detail });
      byStudent.set(r.student_id, flags);
    }
    return byStudent;
  }

  async markUpdatePublished(sessionId: string, revision: number): Promise<void> {
    await this.ds.query('UPDATE report.reports SET published_revision = GREATEST(published_revision, $2) WHERE session_id = $1', [sessionId, revision]);
  }
}

function toStoredReport(row: ReportTableRow): StoredReport {
  return dropUndefined({
    sessionId: row.session_id,
    courseId: row.course_id,
    builtAt: row.built_at.toISOString(),
    presentCount: row.present_count,
    absentCount: row.absent_count,
    rows: row.rows,
    publishedAt: iso(row.published_at),
    revision: row.revision,
    publishedRevision: row.published_revision,
    evidenceRemovedAt: iso(row.evidence_removed_at ?? null),
    incomplete: row.incomplete ?? undefined,
    reopens: row.reopens ? row.reopens : undefined,
  });
}

const jsonOrNull = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
