import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { ErrorCode } from '@classconnect/contracts';
import type { MarkRecord, SessionRecord } from './report.ports.js';
import { FakeIdentity, FakePublisher, FakeStore } from './testing/fakes.js';
import { MarkRetryMs, ReportService } from './report.service.js';

const S = '10000000-0000-4000-8000-000000000001';
const C = '20000000-0000-4000-8000-000000000001';
const T = '30000000-0000-4000-8000-000000000001';
const students = ['a', 'b', 'c'].map((x, i) => ({ id: `40000000-0000-4000-8000-00000000000${i}`, name: `Student ${x.toUpperCase()}`, email: `${x}@uni.test`, role: 'student' as const }));
const markOf = (studentId: string): MarkRecord => ({ studentId, submissionId: `s-${studentId}`, markedAt: '2025-03-01T09:05:00.000Z', distanceM: 5, accuracyM: 10, methods: ['passkey', 'geofence'] });

describe('ReportService.onSessionClosed', () => {
  let store: FakeStore;
  let identity: FakeIdentity;
  let publisher: FakePublisher;
  let clock: SettableClock;
  let service: ReportService;

  beforeEach(() => {
    store = new FakeStore();
    identity = new FakeIdentity(students);
    publisher = new FakePublisher();
    clock = new SettableClock();
    service = new ReportService(store, identity, publisher, clock, { REPORT_MARK_WAIT_MS: 60_000 });
    store.sessions.set(S, {
      sessionId: S,
      courseId: C,
      teacherId: T,
      courseCode: 'CS101',
      courseTitle: 'Intro',
      openedAt: '2025-03-01T09:00:00.000Z',
      closedAt: '2025-03-01T09:50:00.000Z',
      enrolledIds: students.map((s) => s.id),
      presentIds: [students[0]!.id, students[1]!.id],
      closeSeenAt: clock.now().toISOString(),
    });
    store.marks.set(S, [markOf(students[0]!.id)]);
  });

  it('asks for redelivery shortly while a mark the close event lists is missing', async () => {
    clock.advance(59_000);
    await expect(service.onSessionClosed(S)).resolves.toEqual({ done: false, retryInMs: MarkRetryMs });
    expect(store.reports.size).toBe(0);
    expect(publisher.published).toHaveLength(0);
    expect(identity.calls).toBe(0);
  });

  it('builds and announces the report as soon as every listed mark is there', async () => {
    store.marks.get(S)!.push(markOf(students[1]!.id));
    const outcome = await service.onSessionClosed(S);
    expect(outcome).toMatchObject({ done: true, report: { presentCount: 2, absentCount: 1 } });
    expect(publisher.published).toHaveLength(1);
    expect(store.reports.get(S)?.publishedAt).toBeDefined();
  });

  it('builds nothing for a close that a reopening undid (a redelivery after session.reopened), and announces nothing', async () => {
    const { closedAt: _c, ...open } = store.sessions.get(S)!;
    store.sessions.set(S, { ...open, reopenedAt: '2025-03-01T09:51:00.000Z', reopens: 1 });
    await expect(service.onSessionClosed(S)).resolves.toEqual({ done: true, reopened: true });
    expect(store.reports.size).toBe(0);
    expect(publisher.published).toHaveLength(0);
  });

  it('still refuses a close that was never projected (not a reopening)', async () => {
    const { closedAt: _c, ...open } = store.sessions.get(S)!;
    store.sessions.set(S, open);
    await expect(service.onSessionClosed(S)).rejects.toThrow('is not projected as closed');
  });

  it('builds with what it has once its wait has run out', async () => {
    clock.advance(60_000);
    const outcome = await service.onSessionClosed(S);
    expect(outcome.done).toBe(true);
    const rows = store.reports.get(S)!.rows;
    expect(rows.filter((r) => r.status === 'present').map((r) => r.studentId).sort()).toEqual([students[0]!.id, students[1]!.id].sort());
    expect(rows.find((r) => r.studentId === students[1]!.id)?.checkedInAt).toBeUndefined();
  });

  it('waits for session.opened when the close arrived first', async () => {
    store.sessions.set(S, { ...store.sessions.get(S)!, openedAt: undefined, enrolledIds: undefined } as SessionRecord);
    store.marks.get(S)!.push(markOf(students[1]!.id));
    await expect(service.onSessionClosed(S)).resolves.toEqual({ done: false, retryInMs: MarkRetryMs });
  });

  it('throws when identity cannot name the students, so the close is retried', async () => {
    store.marks.get(S)!.push(markOf(students[1]!.id));
    identity.available = false;
    await expect(service.onSessionClosed(S)).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(store.reports.size).toBe(0);
    identity.available = true;
    await expect(service.onSessionClosed(S)).resolves.toMatchObject({ done: true });
  });

  it('builds and announces a report once, however often the close is redelivered', async () => {
    store.marks.get(S)!.push(markOf(students[1]!.id));
    const first = await service.onSessionClosed(S);
    const second = await service.onSessionClosed(S);
    expect(store.saves).toBe(1);
    expect(publisher.published).toHaveLength(1);
    expect(second).toEqual(first);
  });

  it('announces a stored report that was not announced yet (a crash between the two)', async () => {
    store.reports.set(S, { sessionId: S, courseId: C, builtAt: clock.now().toISOString(), presentCount: 0, absentCount: 3, rows: [] });
    await service.onSessionClosed(S);
    expect(store.saves).toBe(0);
    expect(publisher.published).toHaveLength(1);
  });
});

describe('ReportService.onSessionChanged (changes by hand)', () => {
  let store: FakeStore;
  let publisher: FakePublisher;
  let service: ReportService;
  const teacherId = '30000000-0000-4000-8000-000000000001';
  const change = (studentId: string, sequence: number, status: 'present' | 'late' | 'excused' | 'absent', reason: string) =>
    store.overrides.set(S, new Map([...(store.overrides.get(S) ?? []), [studentId, { studentId, status, reason, changedBy: teacherId, changedAt: '2025-03-01T10:05:00.000Z', sequence }]]));

  beforeEach(() => {
    store = new FakeStore();
    publisher = new FakePublisher();
    const clock = new SettableClock();
    service = new ReportService(store, new FakeIdentity(students), publisher, clock, { REPORT_MARK_WAIT_MS: 60_000 });
    store.sessions.set(S, {
      sessionId: S,
      courseId: C,
      teacherId: T,
      openedAt: '2025-03-01T09:00:00.000Z',
      enrolledIds: students.map((s) => s.id),
      presentIds: [students[0]!.id],
      closeSeenAt: clock.now().toISOString(),
    });
    store.marks.set(S, [markOf(students[0]!.id)]);
  });

  it('does nothing before the session closes: the report will read the change when it is built', async () => {
    change(students[1]!.id, 1, 'excused', 'Sick');
    await expect(service.onSessionChanged(S, 'by-hand')).resolves.toEqual({ done: true });
    expect(store.reports.size).toBe(0);
  });

  it('asks again shortly while the closed session’s report is being built', async () => {
    store.sessions.set(S, { ...store.sessions.get(S)!, closedAt: '2025-03-01T09:50:00.000Z' });
    await expect(service.onSessionChanged(S, 'by-hand')).resolves.toEqual({ done: false, retryInMs: MarkRetryMs });
  });

  it('builds the report with the change when the session closes after it', async () => {
    change(students[1]!.id, 1, 'excused', 'Sick');
    store.sessions.set(S, { ...store.sessions.get(S)!, closedAt: '2025-03-01T09:50:00.000Z' });
    const outcome = await service.onSessionClosed(S);
    expect(outcome.done && 'report' in outcome && outcome.report.rows.find((r) => r.studentId === students[1]!.id)).toMatchObject({ status: 'excused', override: { reason: 'Sick' } });
  });

  it('updates a built report under the next revision, announces it once, and ignores a redelivery', async () => {
    store.sessions.set(S, { ...store.sessions.get(S)!, closedAt: '2025-03-01T09:50:00.000Z' });
    await service.onSessionClosed(S);
    change(students[0]!.id, 1, 'absent', 'Left after ten minutes');
    await expect(service.onSessionChanged(S, 'by-hand')).resolves.toEqual({ done: true });
    const updated = store.reports.get(S)!;
    expect(updated).toMatchObject({ revision: 1, publishedRevision: 1, presentCount: 0, absentCount: 3 });
    expect(updated.rows.find((r) => r.studentId === students[0]!.id)).toMatchObject({
      status: 'absent',
      checkinStatus: 'present',
      checkedInAt: '2025-03-01T09:05:00.000Z',
      override: { status: 'absent', reason: 'Left after ten minutes', by: teacherId },
    });
    expect(publisher.updates.map((r) => r.revision)).toEqual([1]);
    await service.onSessionChanged(S, 'by-hand');
    expect(store.reports.get(S)!.revision).toBe(1);
    expect(publisher.updates).toHaveLength(1);
    // A later change makes revision 2.
    change(students[2]!.id, 1, 'late', 'Came at 9:40');
    await service.onSessionChanged(S, 'by-hand');
    expect(publisher.updates.map((r) => r.revision)).toEqual([1, 2]);
  });

  it('recomputes when another instance updated the report first', async () => {
    store.sessions.set(S, { ...store.sessions.get(S)!, closedAt: '2025-03-01T09:50:00.000Z' });
    await service.onSessionClosed(S);
    change(students[1]!.id, 1, 'excused', 'Sick');
    store.loseNextUpdate = true;
    await service.onSessionChanged(S, 'by-hand');
    expect(store.reports.get(S)!.revision).toBe(2);
    expect(publisher.updates.map((r) => r.revision)).toEqual([2]);
  });
});

describe('ReportService: a report never waits forever', () => {
  let store: FakeStore;
  let publisher: FakePublisher;
  let clock: SettableClock;
  let service: ReportService;
  const [a, b, c] = students.map((s) => s.id) as [string, string, string];
  const WaitMs = 3_000;
  const row = (id: string) => store.reports.get(S)!.rows.find((r) => r.studentId === id);

  beforeEach(() => {
    store = new FakeStore();
    publisher = new FakePublisher();
    clock = new SettableClock();
    service = new ReportService(store, new FakeIdentity(students), publisher, clock, { REPORT_MARK_WAIT_MS: WaitMs });
    store.sessions.set(S, {
      sessionId: S,
      courseId: C,
      teacherId: T,
      openedAt: '2025-03-01T09:00:00.000Z',
      closedAt: '2025-03-01T09:50:00.000Z',
      enrolledIds: [a, b, c],
      presentIds: [a, b],
      closeSeenAt: clock.now().toISOString(),
    });
    store.marks.set(S, [markOf(a)]);
  });

  /** The close redelivered after the wait ran out: the report is built without b's mark. */
  async function buildOverdue() {
    clock.advance(WaitMs);
    return service.onSessionClosed(S);
  }

  it('stores and announces a report built after its wait as incomplete, naming the students whose marks had not arrived', async () => {
    await expect(buildOverdue()).resolves.toMatchObject({ done: true });
    const report = store.reports.get(S)!;
    expect(report.incomplete).toEqual({ reason: 'EVENTS_MISSING', missingStudentIds: [b], openedMissing: false });
    expect(report).toMatchObject({ presentCount: 2, absentCount: 1 });
    expect(row(b)).toEqual({ studentId: b, name: 'Student B', email: 'b@uni.test', status: 'present' });
    expect(publisher.published.map((r) => r.incomplete)).toEqual([report.incomplete]);
  });

  it('rebuilds it under the next revision when the missing mark arrives, announces report.updated, and clears incomplete', async () => {
    await buildOverdue();
    store.marks.get(S)!.push(markOf(b));
    await expect(service.onSessionChanged(S, 'facts')).resolves.toEqual({ done: true });
    const report = store.reports.get(S)!;
    expect(report).toMatchObject({ revision: 1, publishedRevision: 1, presentCount: 2, absentCount: 1 });
    expect(report.incomplete).toBeUndefined();
    expect(row(b)).toMatchObject({ status: 'present', checkedInAt: '2025-03-01T09:05:00.000Z', distanceM: 5, methods: ['passkey', 'geofence'] });
    expect(publisher.updates).toHaveLength(1);
    expect(publisher.updates[0]).toMatchObject({ revision: 1 });
    expect(publisher.updates[0]!.incomplete).toBeUndefined();
  });

  it('changes nothing when the late mark is delivered again', async () => {
    await buildOverdue();
    store.marks.get(S)!.push(markOf(b));
    await service.onSessionChanged(S, 'facts');
    const once = structuredClone(store.reports.get(S));
    await expect(service.onSessionChanged(S, 'facts')).resolves.toEqual({ done: true });
    await service.onSessionClosed(S);
    expect(store.reports.get(S)).toEqual(once);
    expect(publisher.updates).toHaveLength(1);
    expect(publisher.published).toHaveLength(1);
  });

  it('stays incomplete, naming who is still missing, until the last missing event arrives', async () => {
    store.sessions.set(S, { ...store.sessions.get(S)!, presentIds: [a, b, c] });
    await buildOverdue();
    expect(store.reports.get(S)!.incomplete?.missingStudentIds).toEqual([b, c]);
    store.marks.get(S)!.push(markOf(c));
    await service.onSessionChanged(S, 'facts');
    expect(store.reports.get(S)).toMatchObject({ revision: 1, incomplete: { missingStudentIds: [b] } });
    expect(publisher.updates[0]!.incomplete).toEqual({ reason: 'EVENTS_MISSING', missingStudentIds: [b], openedMissing: false });
    store.marks.get(S)!.push(markOf(b));
    await service.onSessionChanged(S, 'facts');
    expect(store.reports.get(S)!.revision).toBe(2);
    expect(store.reports.get(S)!.incomplete).toBeUndefined();
    expect(publisher.updates.map((r) => [r.revision, r.incomplete])).toEqual([
      [1, { reason: 'EVENTS_MISSING', missingStudentIds: [b], openedMissing: false }],
      [2, undefined],
    ]);
  });

  it('adds the students enrolled when the session.opened it was built without arrives', async () => {
    store.sessions.set(S, { ...store.sessions.get(S)!, openedAt: undefined, enrolledIds: undefined } as SessionRecord);
    store.marks.get(S)!.push(markOf(b));
    await buildOverdue();
    expect(store.reports.get(S)).toMatchObject({ presentCount: 2, absentCount: 0, incomplete: { missingStudentIds: [], openedMissing: true } });
    store.sessions.set(S, { ...store.sessions.get(S)!, openedAt: '2025-03-01T09:00:00.000Z', enrolledIds: [a, b, c] });
    await service.onSessionChanged(S, 'facts');
    expect(store.reports.get(S)).toMatchObject({ revision: 1, presentCount: 2, absentCount: 1 });
    expect(store.reports.get(S)!.incomplete).toBeUndefined();
    expect(row(c)).toMatchObject({ name: 'Student C', status: 'absent' });
  });

  it('builds a report with nothing missing without incomplete, and a fact after it changes nothing', async () => {
    store.marks.get(S)!.push(markOf(b));
    await service.onSessionClosed(S);
    expect(store.reports.get(S)).not.toHaveProperty('incomplete');
    expect(publisher.published[0]).not.toHaveProperty('incomplete');
    await service.onSessionChanged(S, 'facts');
    expect(store.reports.get(S)!.revision ?? 0).toBe(0);
    expect(publisher.updates).toHaveLength(0);
  });

  it('leaves a fact of a closed session whose report is being built to that build, which reads the projection again once stored', async () => {
    // Nothing to update yet, and no redelivery: the build will see the fact.
    await expect(service.onSessionChanged(S, 'facts')).resolves.toEqual({ done: true });
    // The late mark commits while the overdue build is under way, after the build read the marks.
    const save = store.saveReport.bind(store);
    store.saveReport = async (report) => {
      store.marks.get(S)!.push(markOf(b));
      return save(report);
    };
    await buildOverdue();
    expect(publisher.published[0]!.incomplete?.missingStudentIds).toEqual([b]);
    expect(store.reports.get(S)).toMatchObject({ revision: 1 });
    expect(store.reports.get(S)!.incomplete).toBeUndefined();
    expect(publisher.updates.map((r) => r.revision)).toEqual([1]);
  });
});
