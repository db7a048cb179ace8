import { DomainError, ErrorCode, type CheckinFlag, type CourseReply, type CourseSummary, type RosterReply, type UserSummary } from '@classconnect/contracts';
import { IdentityClient } from '@classconnect/messaging';
import {
  ReadyPublisher,
  ReportStore,
  type MarkRecord,
  type OverrideRecord,
  type ReportUpdate,
  type SessionRecord,
  type StoredReport,
} from '../report.ports.js';

/** In-memory stand-ins for the report logic's ports, for unit specs. */
export class FakeStore extends ReportStore {
  sessions = new Map<string, SessionRecord>();
  marks = new Map<string, MarkRecord[]>();
  rejections = new Map<string, Map<string, string>>();
  reports = new Map<string, StoredReport>();
  overrides = new Map<string, Map<string, OverrideRecord>>();
  saves = 0;
  /** Makes the next updateReport lose its race, as if another instance had updated first. */
  loseNextUpdate = false;
  async findSession(id: string) {
    return this.sessions.get(id) ?? null;
  }
  async marksOf(id: string) {
    return this.marks.get(id) ?? [];
  }
  async lastRejectionsOf(id: string) {
    return this.rejections.get(id) ?? new Map();
  }
  async findReport(id: string) {
    return this.reports.get(id) ?? null;
  }
  async builtAmong(ids: string[]) {
    return new Set(ids.filter((id) => this.reports.has(id)));
  }
  async saveReport(report: StoredReport) {
    this.saves++;
    if (!this.reports.has(report.sessionId)) this.reports.set(report.sessionId, report);
    return this.reports.get(report.sessionId)!;
  }
  async markPublished(id: string, at: Date) {
    const r = this.reports.get(id);
    if (r && !r.publishedAt) this.reports.set(id, { ...r, publishedAt: at.toISOString() });
  }
  async overridesOf(id: string) {
    return this.overrides.get(id) ?? new Map();
  }
  async updateReport(id: string, fromRevision: number, update: ReportUpdate) {
    const r = this.reports.get(id);
    if (this.loseNextUpdate) {
      this.loseNextUpdate = false;
      if (r) this.reports.set(id, { ...r, revision: (r.revision ?? 0) + 1 });
      return false;
    }
    if (!r || (r.revision ?? 0) !== fromRevision) return false;
    const next: StoredReport = { ...r, ...update, revision: fromRevision + 1 };
    if (!update.incomplete) delete next.incomplete;
    this.reports.set(id, next);
    return true;
  }
  flags = new Map<string, Map<string, CheckinFlag[]>>();
  async flagsOf(id: string) {
    return this.flags.get(id) ?? new Map<string, CheckinFlag[]>();
  }
  async markUpdatePublished(id: string, revision: number) {
    const r = this.reports.get(id);
    if (r) this.reports.set(id, { ...r, publishedRevision: Math.max(r.publishedRevision ?? 0, revision) });
  }
}

/** identity-service answering from memory, for the report and history specs. */
export class FakeIdentity extends IdentityClient {
  readonly courses = new Map<string, CourseReply>();
  readonly rosters = new Map<string, RosterReply['students']>();
  /** userId → the courses they teach or attend. */
  readonly coursesByUser = new Map<string, CourseSummary[]>();
  /** false: every call fails as when identity-service does not answer. */
  available = true;
  /** How many times `users` was asked. */
  calls = 0;
  constructor(private readonly known: UserSummary[] = []) {
    super(null as never); // every method answers from memory: nothing goes over NATS
  }
  override async course(courseId: string) {
    this.answering();
    const course = this.courses.get(courseId);
    if (!course) throw new DomainError(ErrorCode.COURSE_NOT_FOUND, 'There is no such course.');
    return course;
  }
  override async roster(courseId: string) {
    this.answering();
    return this.rosters.get(courseId) ?? [];
  }
  override async coursesOf(userId: string) {
    this.answering();
    return this.coursesByUser.get(userId) ?? [];
  }
  override async users(ids: readonly string[]) {
    this.calls++;
    this.answering();
    return this.known.filter((u) => ids.includes(u.id));
  }
  private answering() {
    if (!this.available) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'identity is down');
  }
}

export class FakePublisher extends ReadyPublisher {
  published: StoredReport[] = [];
  updates: StoredReport[] = [];
  async reportReady(report: StoredReport) {
    this.published.push(report);
  }
  async reportUpdated(report: StoredReport) {
    this.updates.push(report);
  }
}
