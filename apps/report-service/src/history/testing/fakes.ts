import { HistoryStore, type ClosedSessionRecord } from '../history.ports.js';

/** The built reports of closed sessions in memory, read as the Postgres store reads them. */
export class FakeHistoryStore extends HistoryStore {
  sessions: ClosedSessionRecord[] = [];
  async closedSessionsOfCourse(courseId: string) {
    return this.sessions.filter((s) => s.courseId === courseId).sort((a, b) => b.closedAt.localeCompare(a.closedAt));
  }
  async closedSessionsOfStudent(studentId: string, courseIds: string[]) {
    return this.sessions
      .filter((s) => courseIds.includes(s.courseId) && s.rows.some((r) => r.studentId === studentId))
      .sort((a, b) => b.closedAt.localeCompare(a.closedAt))
      .map((s) => ({ ...s, rows: s.rows.filter((r) => r.studentId === studentId) }));
  }
}
