import { DomainError, ErrorCode, type CheckinFlag, type UserSummary } from '@classconnect/contracts';
import {
  Clock,
  ReadyPublisher,
  ReportStore,
  UserDirectory,
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

export class FakeDirectory extends UserDirectory {
  available = true;
  calls = 0;
  constructor(private readonly known: UserSummary[]) {
    super();
  }
  /** courseId → teacher ids, for permission checks. */
  readonly teachers = new Map<string, string[]>();
  async users(ids: string[]) {
    this.calls++;
    if (!this.available) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'identity is down');
    return this.known.filter((u) => ids.includes(u.id));
  }
  async teachersOf(courseId: string) {
    if (!this.available) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'identity is down');
    return this.teachers.get(courseId) ?? [];
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

export class FakeClock extends Clock {
  constructor(public t = Date.parse('2025-03-01T10:00:00.000Z')) {
    super();
  }
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}
