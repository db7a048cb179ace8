import type { AttendanceStatus, WarningThresholds } from '@classconnect/contracts';
import { WarningStore, type CourseStatuses, type NewWarning, type StoredWarning, type WarningClear } from '../warnings.ports.js';

/** An in-memory WarningStore: each course's reports as lists of (session, statuses by student), newest first. */
export class FakeWarningStore extends WarningStore {
  /** courseId → sessions, newest first. */
  reports = new Map<string, { sessionId: string; statuses: Record<string, AttendanceStatus> }[]>();
  own = new Map<string, WarningThresholds>();
  warnings: StoredWarning[] = [];

  async courseOfReport(sessionId: string) {
    for (const [courseId, sessions] of this.reports) if (sessions.some((s) => s.sessionId === sessionId)) return courseId;
    return null;
  }
  async courseStatuses(courseId: string): Promise<CourseStatuses | null> {
    const sessions = this.reports.get(courseId) ?? [];
    if (sessions.length === 0) return null;
    const byStudent = new Map<string, AttendanceStatus[]>();
    for (const s of sessions) for (const [id, status] of Object.entries(s.statuses)) byStudent.set(id, [...(byStudent.get(id) ?? []), status]);
    return { newestSessionId: sessions[0]!.sessionId, newestListed: new Set(Object.keys(sessions[0]!.statuses)), byStudent };
  }
  async thresholdsOf(courseId: string) {
    return this.own.get(courseId) ?? null;
  }
  async setThresholds(courseId: string, t: WarningThresholds | null) {
    if (t) this.own.set(courseId, t);
    else this.own.delete(courseId);
  }
  async openOfCourse(courseId: string) {
    return this.warnings.filter((w) => w.courseId === courseId && !w.clearedAt);
  }
  async openOfStudent(studentId: string) {
    return this.warnings.filter((w) => w.studentId === studentId && !w.clearedAt);
  }
  async raise(w: NewWarning) {
    if (this.warnings.some((o) => o.courseId === w.courseId && o.studentId === w.studentId && o.kind === w.kind && !o.clearedAt)) return false;
    this.warnings.push({ ...w, raisePublished: false, clearPublished: false });
    return true;
  }
  async clear(warningId: string, c: WarningClear) {
    const w = this.warnings.find((o) => o.warningId === warningId && !o.clearedAt);
    if (!w) return false;
    Object.assign(w, { clearedAt: c.at, clearReason: c.reason, clearFigures: c.figures, clearSessionId: c.sessionId });
    return true;
  }
  async unpublished(courseId: string) {
    return this.warnings.filter((w) => w.courseId === courseId && (!w.raisePublished || (w.clearedAt && !w.clearPublished)));
  }
  async markPublished(warningId: string, what: 'raise' | 'clear') {
    const w = this.warnings.find((o) => o.warningId === warningId)!;
    if (what === 'raise') w.raisePublished = true;
    else w.clearPublished = true;
  }
}
