import { DomainError, ErrorCode, type UserSummary } from '@classconnect/contracts';
import { Clock, ReadyPublisher, ReportStore, UserDirectory, type MarkRecord, type SessionRecord, type StoredReport } from '../report.ports.js';

/** In-memory stand-ins for the report logic's ports, for unit specs. */
export class FakeStore extends ReportStore {
  sessions = new Map<string, SessionRecord>();
  marks = new Map<string, MarkRecord[]>();
  rejections = new Map<string, Map<string, string>>();
  reports = new Map<string, StoredReport>();
  saves = 0;
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
  async saveReport(report: StoredReport) {
    this.saves++;
    if (!this.reports.has(report.sessionId)) this.reports.set(report.sessionId, report);
    return this.reports.get(report.sessionId)!;
  }
  async markPublished(id: string, at: Date) {
    const r = this.reports.get(id);
    if (r && !r.publishedAt) this.reports.set(id, { ...r, publishedAt: at.toISOString() });
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
  async reportReady(report: StoredReport) {
    this.published.push(report);
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
