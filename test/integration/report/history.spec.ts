import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { AttendanceStatus, ReportRow } from '@classconnect/contracts';
import { createServiceDataSource, ensureDatabase, migrate } from '@classconnect/persistence';
import { reportDataSourceOptions } from '../../../apps/report-service/src/infrastructure/database.js';
import { HistoryRepository } from '../../../apps/report-service/src/history/history.repository.js';

/**
 * The history queries against the real Postgres: built reports and their sessions as the
 * projection stores them, read back per course and per student.
 */
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
  url.pathname = '/classconnect_it_report_history';
  return url.toString();
})();

const course = randomUUID();
const otherCourse = randomUUID();
const [ann, bob] = [randomUUID(), randomUUID()];

function reportRow(studentId: string, name: string, status: AttendanceStatus, byHand = false): ReportRow {
  return {
    studentId,
    name,
    email: `${name.toLowerCase()}@uni.test`,
    status,
    ...(byHand ? { override: { status, reason: 'Doctor’s note', by: randomUUID(), at: '2025-03-01T10:00:00.000Z' } } : {}),
  };
}

describe('HistoryRepository', () => {
  let db: pg.Client;
  let ds: DataSource;
  let repo: HistoryRepository;
  const sessions: string[] = [];

  async function closedSession(courseId: string, day: number, rows: ReportRow[], opened = true): Promise<string> {
    const id = randomUUID();
    const openedAt = `2025-03-${String(day).padStart(2, '0')}T09:00:00.000Z`;
    const closedAt = `2025-03-${String(day).padStart(2, '0')}T09:50:00.000Z`;
    await db.query('INSERT INTO report.sessions (session_id, course_id, opened_at, closed_at) VALUES ($1, $2, $3, $4)', [id, courseId, opened ? openedAt : null, closedAt]);
    await db.query('INSERT INTO report.reports (session_id, course_id, built_at, present_count, absent_count, rows) VALUES ($1, $2, $3, 0, 0, $4::jsonb)', [
      id,
      courseId,
      closedAt,
      JSON.stringify(rows),
    ]);
    sessions.push(id);
    return id;
  }

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS report CASCADE');
    await migrate(reportDataSourceOptions(databaseUrl));
    ds = await createServiceDataSource(reportDataSourceOptions(databaseUrl)).initialize();
    repo = new HistoryRepository(ds);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.end();
  });

  it('reads a course’s closed sessions newest first, with each row’s status and whether it was changed by hand', async () => {
    const first = await closedSession(course, 2, [reportRow(ann, 'Ann', 'present'), reportRow(bob, 'Bob', 'absent')]);
    const third = await closedSession(course, 9, [reportRow(ann, 'Ann', 'excused', true)], false);
    const second = await closedSession(course, 5, [reportRow(ann, 'Ann', 'late'), reportRow(bob, 'Bob', 'present')]);
    await closedSession(otherCourse, 6, [reportRow(ann, 'Ann', 'absent')]);
    // A session still open (no report, no close) is not history.
    await db.query('INSERT INTO report.sessions (session_id, course_id, opened_at) VALUES ($1, $2, now())', [randomUUID(), course]);

    const found = await repo.closedSessionsOfCourse(course);
    expect(found.map((s) => s.sessionId)).toEqual([third, second, first]);
    expect(found[0]).toEqual({
      sessionId: third,
      courseId: course,
      closedAt: '2025-03-09T09:50:00.000Z',
      rows: [{ studentId: ann, name: 'Ann', email: 'ann@uni.test', status: 'excused', changedByHand: true }],
    });
    expect(found[2]).toMatchObject({ openedAt: '2025-03-02T09:00:00.000Z', rows: [{ studentId: ann, status: 'present', changedByHand: false }, { studentId: bob, status: 'absent' }] });
    await expect(repo.closedSessionsOfCourse(randomUUID())).resolves.toEqual([]);
  });

  it('reads only the reports that list the student, only in the courses asked for, and only the student’s own row', async () => {
    const mine = await repo.closedSessionsOfStudent(bob, [course, otherCourse]);
    expect(mine.map((s) => [s.closedAt.slice(0, 10), s.rows])).toEqual([
      ['2025-03-05', [{ studentId: bob, name: 'Bob', email: 'bob@uni.test', status: 'present', changedByHand: false }]],
      ['2025-03-02', [{ studentId: bob, name: 'Bob', email: 'bob@uni.test', status: 'absent', changedByHand: false }]],
    ]);
    expect((await repo.closedSessionsOfStudent(ann, [course])).map((s) => s.rows[0]!.status)).toEqual(['excused', 'late', 'present']);
    expect((await repo.closedSessionsOfStudent(ann, [otherCourse])).map((s) => s.courseId)).toEqual([otherCourse]);
    await expect(repo.closedSessionsOfStudent(ann, [])).resolves.toEqual([]);
    await expect(repo.closedSessionsOfStudent(randomUUID(), [course])).resolves.toEqual([]);
  });

  it('uses the reports’ GIN index to find a student’s reports', async () => {
    await db.query('ANALYZE report.reports');
    await db.query('SET enable_seqscan = off');
    const { rows } = await db.query(`EXPLAIN SELECT session_id FROM report.reports WHERE rows @> $1::jsonb`, [JSON.stringify([{ studentId: ann }])]);
    await db.query('SET enable_seqscan = on');
    expect(rows.map((r: Record<string, string>) => Object.values(r)[0]).join('\n')).toContain('reports_rows_idx');
  });
});
