/** In-memory stand-ins for the session store, identity-service, the event publisher and the stream's history, for unit specs. */
import {
  DomainError,
  ErrorCode,
  EventTypePrefix,
  type CloudEvent,
  type CourseReply,
  type CourseSummary,
  type RosterReply,
  type RoomView,
  type UserSummary,
} from '@classconnect/contracts';
import type { EventSink, IdentityClient } from '@classconnect/messaging';
import { AttendanceHistory, type HistoryFilter } from '../attendance-history.js';
import { checkinStatus, isWindowClosed } from '../attendance-rules.js';
import {
  SessionStore,
  type ChangeOutcome,
  type CheckinFacts,
  type CloseOutcome,
  type CreateOutcome,
  type EnrollmentUpdate,
  type EpochState,
  type LiveRoster,
  type LostSession,
  type MarkChange,
  type MarkAttempt,
  type MarkOutcome,
  type NewSession,
  type RestoreOutcome,
  type ReopenOutcome,
  type ReopenWindow,
  type SessionRecord,
  type StoredMark,
  type StoredOverride,
  type Centre,
} from '../session.model.js';

/** Holds sessions in memory with the same rules the Lua scripts enforce. */
export class InMemorySessionStore extends SessionStore {
  async renameEverywhere(studentId: string, placeholder: string): Promise<number> {
    let renamed = 0;
    for (const s of this.sessions.values()) if (s.names.has(studentId)) (s.names.set(studentId, placeholder), renamed++);
    return renamed;
  }
  readonly sessions = new Map<
    string,
    Omit<SessionRecord, 'presentCount'> & { names: Map<string, string>; present: Map<string, StoredMark>; overrides: Map<string, StoredOverride> }
  >();
  readonly autoClose = new Map<string, number>();
  readonly openByCourse = new Map<string, string>();

  async create(s: NewSession): Promise<CreateOutcome> {
    const open = this.openByCourse.get(s.courseId);
    if (open) return { created: false, openSessionId: open };
    this.openByCourse.set(s.courseId, s.sessionId);
    const { students, ...rest } = s;
    this.sessions.set(s.sessionId, {
      ...rest,
      status: 'open',
      enrolledCount: students.length,
      names: new Map(students.map((st) => [st.id, st.name])),
      present: new Map(),
      overrides: new Map(),
    });
    this.autoClose.set(s.sessionId, Date.parse(s.autoCloseAt));
    return { created: true };
  }
  async find(id: string): Promise<SessionRecord | null> {
    const s = this.sessions.get(id);
    if (!s) return null;
    const { names: _n, present, overrides: _o, ...rest } = s;
    return { ...rest, presentCount: present.size };
  }
  async openSessionIds(courseIds: string[]): Promise<string[]> {
    return courseIds.flatMap((c) => this.openByCourse.get(c) ?? []);
  }
  async enrolledIds(id: string): Promise<string[]> {
    return [...(this.sessions.get(id)?.names.keys() ?? [])];
  }
  async isEnrolled(id: string, studentId: string): Promise<boolean> {
    return this.sessions.get(id)?.names.has(studentId) ?? false;
  }
  async liveRoster(id: string): Promise<LiveRoster> {
    const s = this.sessions.get(id)!;
    return { students: [...s.names].map(([sid, name]) => ({ id: sid, name })), present: new Map(s.present), overrides: new Map(s.overrides) };
  }
  async checkinFacts(id: string, studentId: string): Promise<CheckinFacts | null> {
    const session = await this.find(id);
    if (!session) return null;
    const s = this.sessions.get(id)!;
    return { session, enrolled: s.names.has(studentId), alreadyPresent: s.present.has(studentId) };
  }
  /** What a Stop kept for reopening (the fence's centre), by session id, with the window's end. */
  readonly reopenable = new Map<string, { fence: SessionRecord['fence']; untilMs: number }>();
  async close(id: string, courseId: string, closedAt: string, closedBy: string, closeReason: 'stopped' | 'max-length', reopen?: ReopenWindow): Promise<CloseOutcome> {
    const s = this.sessions.get(id);
    this.autoClose.delete(id);
    if (!s) return { kind: 'not-found' };
    const presentStudentIds = [...s.present.keys()];
    const reopens = s.reopens ?? 0;
    if (s.status === 'closed') {
      return { kind: 'already-closed', closedAt: s.closedAt!, closedBy: s.closedBy!, closeReason: s.closeReason!, presentStudentIds, reopens };
    }
    Object.assign(s, { status: 'closed', closedAt, closedBy, closeReason });
    if (closeReason === 'stopped' && reopen && reopen.seconds > 0) {
      this.reopenable.set(id, { fence: { ...s.fence }, untilMs: Date.parse(reopen.until) });
      s.reopenableUntil = reopen.until;
    }
    // As the script does: the fence's centre does not stay with a closed session.
    s.fence = { latitude: NaN, longitude: NaN, radiusM: s.fence.radiusM };
    if (this.openByCourse.get(courseId) === id) this.openByCourse.delete(courseId);
    return { kind: 'closed', closedAt, closedBy, closeReason, presentStudentIds, reopens };
  }
  async reopen(id: string, courseId: string, now: Date, reopenedBy: string, centre: Centre): Promise<ReopenOutcome> {
    const s = this.sessions.get(id);
    if (!s) return { kind: 'not-found' };
    if (s.status === 'open') return { kind: 'open' };
    if (s.closeReason && s.closeReason !== 'stopped') return { kind: 'not-stopped' };
    const kept = this.reopenable.get(id);
    if (!kept || now.getTime() > kept.untilMs) return { kind: 'window-passed' };
    const open = this.openByCourse.get(courseId);
    if (open && open !== id) return { kind: 'course-busy', openSessionId: open };
    const previousClosedAt = s.closedAt!;
    const reopens = (s.reopens ?? 0) + 1;
    Object.assign(s, { status: 'open', fence: { latitude: centre.latitude, longitude: centre.longitude, radiusM: kept.fence.radiusM }, reopens, lastReopen: { at: now.toISOString(), by: reopenedBy, previousClosedAt } });
    delete s.closedAt;
    delete s.closedBy;
    delete s.closeReason;
    delete s.reopenableUntil;
    this.reopenable.delete(id);
    this.openByCourse.set(courseId, id);
    if (s.autoCloseAt) this.autoClose.set(id, Date.parse(s.autoCloseAt));
    return { kind: 'reopened', reopens, previousClosedAt };
  }
  async changeMark(id: string, studentId: string, change: MarkChange): Promise<ChangeOutcome> {
    const s = this.sessions.get(id);
    if (!s) return { kind: 'not-found' };
    if (!s.names.has(studentId)) return { kind: 'not-enrolled' };
    const last = s.overrides.get(studentId);
    const previousStatus = last?.status ?? s.present.get(studentId)?.status ?? (s.present.has(studentId) ? 'present' : 'absent');
    const override = { ...change, previousStatus, sequence: (last?.sequence ?? 0) + 1 };
    s.overrides.set(studentId, override);
    return { kind: 'changed', courseId: s.courseId, override };
  }
  async dueForAutoClose(now: Date, limit: number): Promise<string[]> {
    return [...this.autoClose].filter(([, at]) => at <= now.getTime()).slice(0, limit).map(([id]) => id);
  }
  async forgetAutoClose(id: string): Promise<void> {
    this.autoClose.delete(id);
  }
  /** QR attempts by `<sessionId>:<studentId>` (the fake keeps no window: a spec resets it by hand). */
  readonly qrAttempts = new Map<string, number>();
  async recordMark(id: string, studentId: string, attempt: MarkAttempt): Promise<MarkOutcome> {
    const s = this.sessions.get(id);
    if (!s) return { kind: 'not-found' };
    const existing = s.present.get(studentId);
    if (existing?.submissionId === attempt.mark.submissionId) return { kind: 'retry', courseId: s.courseId, mark: existing };
    if (s.status !== 'open') return { kind: 'not-open' };
    if (!s.names.has(studentId)) return { kind: 'not-enrolled', courseId: s.courseId };
    if (isWindowClosed(s.checkinClosesAt, attempt.verifiedAt)) return { kind: 'window-closed' };
    if (attempt.checkOnly) return { kind: 'allowed' };
    if (attempt.qr) {
      const key = `${id}:${studentId}`;
      const n = (this.qrAttempts.get(key) ?? 0) + 1;
      this.qrAttempts.set(key, n);
      if (n > attempt.qr.attemptsPerWindow) return { kind: 'qr-refused', qr: 'throttled' };
      if (attempt.qr.verdict !== 'valid') return { kind: 'qr-refused', qr: attempt.qr.verdict };
      this.qrAttempts.set(key, n - 1);
    }
    if (existing) return { kind: 'already-present' };
    const mark: StoredMark = { ...attempt.mark, status: checkinStatus(s.openedAt, s.lateAfterMinutes, attempt.verifiedAt) };
    s.present.set(studentId, mark);
    return { kind: 'recorded', courseId: s.courseId, mark };
  }
  epoch: string | null = null;
  recovered: string | null = null;
  /** Redis coming back empty: everything goes, the epoch too. */
  wipe(): void {
    this.sessions.clear();
    this.autoClose.clear();
    this.openByCourse.clear();
    this.epoch = null;
    this.recovered = null;
  }
  async epochState(): Promise<EpochState> {
    return { epoch: this.epoch, recovered: this.recovered };
  }
  async claimEpoch(candidate: string): Promise<string> {
    this.epoch ??= candidate;
    return this.epoch;
  }
  async markRecovered(epoch: string): Promise<void> {
    this.recovered = epoch;
  }
  async restoreClosed(l: LostSession): Promise<RestoreOutcome> {
    const s = this.sessions.get(l.sessionId);
    if (s?.status === 'open') return { kind: 'still-open' };
    if (s) return { kind: 'already-closed', closedAt: s.closedAt!, closedBy: s.closedBy!, closeReason: s.closeReason!, presentStudentIds: [...s.present.keys()], reopens: s.reopens ?? 0 };
    const { students, present, overrides, radiusM, closedAt, closedBy, reopens = 0, ...rest } = l;
    this.sessions.set(l.sessionId, {
      ...rest,
      status: 'closed',
      closedAt,
      closedBy,
      closeReason: 'state-lost',
      reopens,
      fence: { latitude: NaN, longitude: NaN, radiusM },
      enrolledCount: students.length,
      lateAfterMinutes: 10,
      names: new Map(students.map((st) => [st.id, st.name])),
      present: new Map(present),
      overrides: new Map(overrides),
    });
    return { kind: 'closed', closedAt, closedBy, closeReason: 'state-lost', presentStudentIds: [...present.keys()], reopens };
  }
  async changeEnrollment(id: string, u: EnrollmentUpdate): Promise<'changed' | 'unchanged' | 'not-open'> {
    const s = this.sessions.get(id);
    if (!s || s.status !== 'open') return 'not-open';
    const had = s.names.has(u.studentId);
    if (u.change === 'added') s.names.set(u.studentId, u.name);
    else s.names.delete(u.studentId);
    s.enrolledCount = s.names.size;
    return had === (u.change === 'added') ? 'unchanged' : 'changed';
  }
}

/** identity-service as the spec sets it up. `client` is this fake where an IdentityClient is asked for: it has every method the services call. */
export class FakeIdentityClient implements Pick<IdentityClient, 'course' | 'roster' | 'coursesOf' | 'users' | 'room'> {
  readonly client = this as unknown as IdentityClient;
  readonly courses = new Map<string, CourseReply>();
  readonly rosters = new Map<string, RosterReply['students']>();
  readonly memberships = new Map<string, CourseSummary[]>();
  readonly rooms = new Map<string, RoomView>();
  readonly accounts = new Map<string, UserSummary>();

  async course(courseId: string): Promise<CourseReply> {
    const c = this.courses.get(courseId);
    if (!c) throw new DomainError(ErrorCode.COURSE_NOT_FOUND, 'No such course.');
    return c;
  }
  async roster(courseId: string): Promise<RosterReply['students']> {
    return this.rosters.get(courseId) ?? [];
  }
  async coursesOf(userId: string): Promise<CourseSummary[]> {
    return this.memberships.get(userId) ?? [];
  }
  async users(userIds: readonly string[]): Promise<UserSummary[]> {
    return userIds.flatMap((id) => this.accounts.get(id) ?? []);
  }
  async room(roomId: string): Promise<RoomView> {
    const r = this.rooms.get(roomId);
    if (!r) throw new DomainError(ErrorCode.ROOM_NOT_FOUND, 'No such room.');
    return r;
  }
}

export interface Published {
  subject: string;
  data: Record<string, unknown>;
  dedupKey: string;
}

export class FakeEvents implements EventSink {
  readonly published: Published[] = [];
  failNext = false;
  publish: EventSink['publish'] = async (subject, data, opts) => {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('NATS is down');
    }
    this.published.push({ subject, data: data as Record<string, unknown>, dedupKey: opts.dedupKey });
    return {} as never;
  };
  of(subject: string): Published[] {
    return this.published.filter((p) => p.subject === subject);
  }
}


/** The stream as the fake publisher filled it: every published event the spec moved here, in order. */
export class FakeHistory extends AttendanceHistory {
  readonly stored: CloudEvent[] = [];
  scans: HistoryFilter[] = [];
  failNext = false;

  async scan(filter: HistoryFilter, since: Date, onEvent: (event: CloudEvent) => void): Promise<void> {
    this.scans.push(filter);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('NATS is down');
    }
    const prefix = EventTypePrefix + filter.slice(0, -1);
    for (const e of this.stored) if (e.type.startsWith(prefix) && Date.parse(e.time) >= since.getTime()) onEvent(e);
  }
}
