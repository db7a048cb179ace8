import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AttendanceStatus, ReportPersonData } from '@classconnect/contracts';
import { PersonDataStore, type AttendanceFacts, type PushSubscriptionFacts } from './person-data.ports.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

@Injectable()
export class PersonDataRepository extends PersonDataStore {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {
    super();
  }

  async attendanceOf(userId: string): Promise<AttendanceFacts[]> {
    // The report's row is picked by the lateral join: only the person's own, never a classmate's.
    const rows = (await this.ds.query(
      `SELECT s.session_id, s.course_id, s.course_code, s.course_title, s.opened_at, s.closed_at,
              coalesce($1::uuid = ANY(s.present_ids), false) AS listed_present,
              m.status AS mark_status, m.marked_at, m.methods, m.distance_m, m.accuracy_m,
              own.row->>'status' AS report_status, hand.status AS hand_status, hand.changed_at AS hand_changed_at
         FROM report.sessions s
         LEFT JOIN report.marks m ON m.session_id = s.session_id AND m.student_id = $1::uuid
         LEFT JOIN report.reports r ON r.session_id = s.session_id
         LEFT JOIN LATERAL (SELECT e.row FROM jsonb_array_elements(r.rows) AS e(row) WHERE e.row->>'studentId' = $1::text LIMIT 1) own ON true
         LEFT JOIN LATERAL (
           SELECT c.status, c.changed_at FROM report.mark_changes c
            WHERE c.session_id = s.session_id AND c.student_id = $1::uuid ORDER BY c.sequence DESC LIMIT 1) hand ON true
        WHERE $1::uuid = ANY(s.enrolled_ids) OR $1::uuid = ANY(s.present_ids) OR m.student_id IS NOT NULL
        ORDER BY coalesce(s.opened_at, s.closed_at) NULLS LAST, s.session_id`,
      [userId],
    )) as {
      session_id: string;
      course_id: string;
      course_code: string | null;
      course_title: string | null;
      opened_at: Date | null;
      closed_at: Date | null;
      listed_present: boolean;
      mark_status: 'present' | 'late' | null;
      marked_at: Date | null;
      methods: string[] | null;
      distance_m: number | null;
      accuracy_m: number | null;
      report_status: AttendanceStatus | null;
      hand_status: AttendanceStatus | null;
      hand_changed_at: Date | null;
    }[];
    return rows.map((r) => ({
      sessionId: r.session_id,
      courseId: r.course_id,
      courseCode: r.course_code,
      courseTitle: r.course_title,
      openedAt: iso(r.opened_at),
      closedAt: iso(r.closed_at),
      listedPresent: r.listed_present,
      mark: r.mark_status && r.marked_at ? { status: r.mark_status, markedAt: r.marked_at.toISOString(), methods: r.methods, distanceM: r.distance_m, accuracyM: r.accuracy_m } : null,
      reportStatus: r.report_status,
      handMark: r.hand_status && r.hand_changed_at ? { status: r.hand_status, changedAt: r.hand_changed_at.toISOString() } : null,
    }));
  }

  async recordsOf(userId: string): Promise<Pick<ReportPersonData, 'checkins' | 'flags' | 'handMarks' | 'warnings'>> {
    const [checkins, flags, handMarks, warnings] = await Promise.all([
      this.ds.query(
        `SELECT submission_id, session_id, verdict, reason, distance_m, accuracy_m, decided_at FROM report.checkins
          WHERE student_id = $1 ORDER BY decided_at, submission_id`,
        [userId],
      ) as Promise<{ submission_id: string; session_id: string; verdict: string; reason: string | null; distance_m: number | null; accuracy_m: number | null; decided_at: Date }[]>,
      this.ds.query(
        `SELECT submission_id, session_id, course_id, code, detail, flagged_at FROM report.checkin_flags
          WHERE student_id = $1 ORDER BY flagged_at, submission_id, code`,
        [userId],
      ) as Promise<{ submission_id: string; session_id: string; course_id: string; code: string; detail: string | null; flagged_at: Date }[]>,
      this.ds.query(
        `SELECT session_id, course_id, status, previous_status, reason, changed_by, changed_at FROM report.mark_changes
          WHERE student_id = $1 ORDER BY changed_at, session_id, sequence`,
        [userId],
      ) as Promise<{ session_id: string; course_id: string; status: string; previous_status: string; reason: string; changed_by: string; changed_at: Date }[]>,
      this.ds.query(
        `SELECT warning_id, course_id, kind, raised_at, cleared_at, clear_reason FROM report.warnings
          WHERE student_id = $1 ORDER BY raised_at, warning_id`,
        [userId],
      ) as Promise<{ warning_id: string; course_id: string; kind: string; raised_at: Date; cleared_at: Date | null; clear_reason: string | null }[]>,
    ]);
    return {
      checkins: checkins.map((c) => ({
        submissionId: c.submission_id,
        sessionId: c.session_id,
        verdict: c.verdict,
        reason: c.reason,
        distanceM: c.distance_m,
        accuracyM: c.accuracy_m,
        decidedAt: c.decided_at.toISOString(),
      })),
      flags: flags.map((f) => ({ submissionId: f.submission_id, sessionId: f.session_id, courseId: f.course_id, code: f.code, detail: f.detail, flaggedAt: f.flagged_at.toISOString() })),
      handMarks: handMarks.map((h) => ({
        sessionId: h.session_id,
        courseId: h.course_id,
        status: h.status,
        previousStatus: h.previous_status,
        reason: h.reason,
        changedBy: h.changed_by,
        changedAt: h.changed_at.toISOString(),
      })),
      warnings: warnings.map((w) => ({
        warningId: w.warning_id,
        courseId: w.course_id,
        kind: w.kind,
        raisedAt: w.raised_at.toISOString(),
        clearedAt: iso(w.cleared_at),
        clearReason: w.clear_reason,
      })),
    };
  }

  async pushSubscriptionsOf(userId: string): Promise<PushSubscriptionFacts[]> {
    const rows = (await this.ds.query('SELECT endpoint, created_at, last_sent_at FROM report.push_subscriptions WHERE user_id = $1 ORDER BY created_at, endpoint', [userId])) as {
      endpoint: string;
      created_at: Date;
      last_sent_at: Date | null;
    }[];
    return rows.map((r) => ({ endpoint: r.endpoint, createdAt: r.created_at.toISOString(), lastSentAt: iso(r.last_sent_at) }));
  }
}
