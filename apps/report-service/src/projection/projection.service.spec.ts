import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode, EventSubjects, eventTypeOf, type EventData, type EventSubject } from '@classconnect/contracts';
import { ReportService, type ChangeOutcome, type CloseOutcome, type SessionChange } from '../reports/report.service.js';
import { ProjectionStore, toProjectionBatch, type ProjectionBatch } from './projection-batch.js';
import type { AttendanceEvent } from './attendance-event.js';
import { ProjectionService, type IncomingEvent } from './projection.service.js';

/** What RpcClient throws when identity-service does not answer. */
const unavailable = () => new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'identity unavailable');
const S1 = '10000000-0000-4000-8000-000000000001';
const S2 = '10000000-0000-4000-8000-000000000002';
const C = '20000000-0000-4000-8000-000000000001';
const A = '40000000-0000-4000-8000-000000000001';
const B = '40000000-0000-4000-8000-000000000002';
const at = '2025-03-01T09:00:00.000Z';

let seq = 0;
function incoming(type: string, data: unknown, deliveryCount = 1): IncomingEvent {
  const body = { specversion: '1.0', id: `e${++seq}`, source: '/spec', type, time: at, datacontenttype: 'application/json', data };
  return { data: new TextEncoder().encode(JSON.stringify(body)), subject: type.replace('edu.classconnect.', ''), seq, deliveryCount };
}
const event = <S extends EventSubject>(subject: S, data: EventData<S>, deliveryCount?: number) => incoming(eventTypeOf(subject), data, deliveryCount);
const closed = (sessionId: string, deliveryCount?: number) =>
  event(EventSubjects.sessionClosed, { sessionId, courseId: C, closedAt: at, closedBy: C, presentStudentIds: [A] }, deliveryCount);
const mark = (studentId: string) =>
  event(EventSubjects.markRecorded, {
    sessionId: S1,
    courseId: C,
    studentId,
    status: 'present',
    source: 'checkin',
    submissionId: `sub-${studentId}`,
    distanceM: 3,
    accuracyM: 9,
    methods: ['passkey', 'geofence'],
    markedAt: at,
  });

class RecordingStore extends ProjectionStore {
  batches: ProjectionBatch[] = [];
  fail = false;
  async apply(batch: ProjectionBatch) {
    if (this.fail) throw new Error('database down');
    this.batches.push(batch);
  }
}

const changed = (sessionId: string, studentId: string, sequence: number) =>
  event(EventSubjects.markChanged, {
    sessionId,
    courseId: C,
    studentId,
    status: 'excused',
    previousStatus: 'absent',
    reason: 'Sick note',
    changedBy: C,
    changedAt: at,
    sequence,
  });

function serviceWith(
  onClosed: (sessionId: string) => Promise<CloseOutcome>,
  onChanged: (sessionId: string, change: SessionChange) => Promise<ChangeOutcome> = async () => ({ done: true }),
  built: (sessionId: string) => boolean = () => true,
) {
  const store = new RecordingStore();
  const withReports = async (ids: string[]) => new Set(ids.filter(built));
  const reports = { onSessionClosed: onClosed, onSessionChanged: onChanged, withReports } as unknown as ReportService;
  const warned: string[] = [];
  const warnings = { onReportChanged: async (sessionId: string) => void warned.push(sessionId) };
  return { store, warned, service: new ProjectionService(store, reports, new SettableClock(), warnings) };
}
const built = async (): Promise<CloseOutcome> => ({ done: true, report: {} as never });

describe('ProjectionService.handleBatch', () => {
  it('writes a whole batch at once and acks events it does not project or cannot read', async () => {
    const { store, service } = serviceWith(built);
    const retry = await service.handleBatch([
      mark(A),
      incoming('edu.classconnect.attendance.checkin.teleported.v9', { anything: true }),
      { data: new TextEncoder().encode('not json'), subject: 'attendance.x', seq: 99, deliveryCount: 1 },
      incoming(eventTypeOf(EventSubjects.markRecorded), { sessionId: 'not-a-uuid' }),
      { ...mark(B), subject: EventSubjects.sessionOpened },
      mark(B),
    ]);
    expect(retry.size).toBe(0);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.marks.map((m) => m.studentId)).toEqual([A, B]);
  });

  it('builds the report after the batch that closes a session is written, and redelivers the close while it must wait', async () => {
    const order: string[] = [];
    const { store, service } = serviceWith(async (sessionId) => {
      order.push(`build ${sessionId} after ${store.batches.length} batch(es)`);
      return sessionId === S1 ? { done: false, retryInMs: 500 } : built();
    });
    const retry = await service.handleBatch([mark(A), closed(S1), closed(S2), closed(S1)]);
    expect(order.sort()).toEqual([`build ${S1} after 1 batch(es)`, `build ${S2} after 1 batch(es)`]);
    expect([...retry]).toEqual([
      [1, 500],
      [3, 500],
    ]);
  });

  it('retries only the close whose report failed while identity was unavailable, with a growing back-off', async () => {
    const { service } = serviceWith(async (sessionId) => {
      if (sessionId === S1) throw unavailable();
      return built();
    });
    const first = await service.handleBatch([closed(S1, 1), closed(S2, 1)]);
    const later = await service.handleBatch([closed(S1, 4)]);
    expect([...first.keys()]).toEqual([0]);
    expect(later.get(0)!).toBeGreaterThan(first.get(0)!);
  });

  it('throws a report failure that is not an outage, so the consumer counts it and sets the close aside after its limit', async () => {
    const { service } = serviceWith(async () => {
      throw new Error('a bug in the report builder');
    });
    await expect(service.handleBatch([closed(S1, 1)])).rejects.toThrow('a bug in the report builder');
  });

  it('throws when the batch cannot be written, so every message of it is redelivered', async () => {
    const { store, service } = serviceWith(built);
    store.fail = true;
    await expect(service.handleBatch([mark(A), closed(S1)])).rejects.toThrow('database down');
  });
});

describe('ProjectionService.handleBatch with changes by hand', () => {
  it('writes every change, then brings each touched report up to date after the closes of the batch', async () => {
    const order: string[] = [];
    const { store, service } = serviceWith(
      async (sessionId) => {
        order.push(`close ${sessionId}`);
        return built();
      },
      async (sessionId) => {
        order.push(`changed ${sessionId}`);
        return sessionId === S2 ? { done: false, retryInMs: 500 } : { done: true };
      },
    );
    const retry = await service.handleBatch([changed(S1, A, 1), changed(S1, A, 2), closed(S1), changed(S2, B, 1)]);
    expect(store.batches[0]!.changes.map((c) => c.sequence)).toEqual([1, 2, 1]);
    expect(order).toEqual([`close ${S1}`, `changed ${S1}`, `changed ${S2}`]);
    expect([...retry]).toEqual([[3, 500]]);
  });

  it('keeps the v2 mark with its status beside the v1 one of the same check-in', () => {
    const v2 = { ...JSON.parse(new TextDecoder().decode(mark(A).data)).data, status: 'late' };
    const batch = toProjectionBatch([
      { kind: EventSubjects.markRecordedV2, data: v2 },
      { kind: EventSubjects.markRecorded, data: JSON.parse(new TextDecoder().decode(mark(A).data)).data },
    ]);
    expect(batch.marksV2.map((m) => m.status)).toEqual(['late']);
    expect(batch.marks).toHaveLength(1);
  });
});

describe('ProjectionService.handleBatch and attendance warnings', () => {
  it('decides the course’s warnings after a report is built or changed, and not while the report waits', async () => {
    const { service, warned } = serviceWith(
      async (sessionId) => (sessionId === S1 ? { done: false, retryInMs: 500 } : built()),
      async () => ({ done: true }),
    );
    await service.handleBatch([closed(S1), closed(S2)]);
    expect(warned).toEqual([S2]);
    await service.handleBatch([changed(S1, A, 1)]);
    expect(warned).toEqual([S2, S1]);
  });

  it('redelivers the close when deciding the warnings meets an outage', async () => {
    const { service } = serviceWith(built);
    (service as unknown as { warnings: { onReportChanged: () => Promise<void> } }).warnings = {
      onReportChanged: async () => {
        throw unavailable();
      },
    };
    const retry = await service.handleBatch([closed(S2, 1)]);
    expect([...retry.keys()]).toEqual([0]);
  });
});

describe('ProjectionService.handleBatch with facts that may come after the report', () => {
  const S3 = '10000000-0000-4000-8000-000000000003';
  const opened = (sessionId: string) =>
    event(EventSubjects.sessionOpened, { sessionId, courseId: C, courseCode: 'CS101', courseTitle: 'Intro', teacherId: C, openedAt: at, radiusM: 50, enrolledStudentIds: [A, B] });
  const rejected = (sessionId: string) =>
    event(EventSubjects.checkinRejected, { submissionId: `rej-${sessionId}`, sessionId, courseId: C, studentId: B, reason: 'OUTSIDE_GEOFENCE', message: 'Too far.', rejectedAt: at });
  const flagged = (sessionId: string) =>
    event(EventSubjects.checkinFlagged, { sessionId, courseId: C, studentId: A, submissionId: 'sub-f', flags: [{ code: 'SHARED_DEVICE', detail: 'd' }], flaggedAt: at });

  it('brings each touched session’s report up to date once, as a change by hand when the batch holds one, leaving a session closed in the batch to its close', async () => {
    const calls: string[] = [];
    const { service } = serviceWith(built, async (sessionId, change) => {
      calls.push(`${change} ${sessionId}`);
      return { done: true };
    });
    const retry = await service.handleBatch([mark(A), closed(S1), opened(S2), rejected(S2), flagged(S2), rejected(S3), changed(S3, A, 1), flagged(C)]);
    expect(retry.size).toBe(0);
    expect(calls.sort()).toEqual([`by-hand ${S3}`, `facts ${S2}`]);
  });

  it('leaves out the facts of sessions whose report is not built, asking once for the whole batch', async () => {
    const calls: string[] = [];
    const { service } = serviceWith(
      built,
      async (sessionId, change) => {
        calls.push(`${change} ${sessionId}`);
        return { done: true };
      },
      (sessionId) => sessionId === S3,
    );
    await service.handleBatch([opened(S2), rejected(S2), rejected(S3)]);
    expect(calls).toEqual([`facts ${S3}`]);
  });

  it('redelivers the facts of a report it could not update, with a growing back-off', async () => {
    const { service } = serviceWith(built, async () => {
      throw unavailable();
    });
    const retry = await service.handleBatch([opened(S2), rejected(S2)]);
    expect([...retry.keys()]).toEqual([0, 1]);
  });
});

describe('toProjectionBatch', () => {
  it('keeps one row per key, so a batch holding a redelivered event still upserts each row once', () => {
    const batch = toProjectionBatch([
      { kind: EventSubjects.markRecorded, data: JSON.parse(new TextDecoder().decode(mark(A).data)).data },
      { kind: EventSubjects.markRecorded, data: JSON.parse(new TextDecoder().decode(mark(A).data)).data },
    ]);
    expect(batch.marks).toHaveLength(1);
  });

  it('keeps the exact reason of checkin.rejected.v2 over the nearest old one of its v1 copy', () => {
    const rejection = { submissionId: 'sub-q', sessionId: S1, courseId: C, studentId: A, message: 'That code has expired.', rejectedAt: at };
    const batch = toProjectionBatch([
      { kind: EventSubjects.checkinRejectedV2, data: { ...rejection, reason: 'QR_EXPIRED' } },
      { kind: EventSubjects.checkinRejected, data: { ...rejection, reason: 'CHALLENGE_NOT_FOUND' } },
    ]);
    expect(batch.rejected.map((r) => r.reason)).toEqual(['QR_EXPIRED']);
  });

  it('keeps one flag per (check-in, code), the first sentence seen', () => {
    const base = { sessionId: S1, courseId: C, studentId: A, submissionId: 'sub-f', flaggedAt: at };
    const batch = toProjectionBatch([
      { kind: EventSubjects.checkinFlagged, data: { ...base, flags: [{ code: 'IDENTICAL_POSITION', detail: 'first' }] } },
      { kind: EventSubjects.checkinFlagged, data: { ...base, flags: [{ code: 'IDENTICAL_POSITION', detail: 'again' }, { code: 'SHARED_DEVICE', detail: 'device' }] } },
    ]);
    expect(batch.flags?.map((f) => [f.code, f.detail])).toEqual([
      ['IDENTICAL_POSITION', 'first'],
      ['SHARED_DEVICE', 'device'],
    ]);
  });

  it('keeps the latest close and the latest reopening of a session, whatever order they come in', () => {
    const close = (closedAt: string): AttendanceEvent => ({ kind: EventSubjects.sessionClosed, data: { sessionId: S1, courseId: C, closedAt, closedBy: A, presentStudentIds: [] } });
    const reopen = (reopenCount: number): AttendanceEvent => ({
      kind: EventSubjects.sessionReopened,
      data: { sessionId: S1, courseId: C, reopenedAt: at, reopenedBy: A, previousClosedAt: at, reopenCount },
    });
    const batch = toProjectionBatch([close('2030-01-01T10:05:00.000Z'), reopen(2), close('2030-01-01T10:00:00.000Z'), reopen(1)]);
    expect(batch.closed.map((c) => c.closedAt)).toEqual(['2030-01-01T10:05:00.000Z']);
    expect(batch.reopened?.map((r) => r.reopenCount)).toEqual([2]);
    expect(toProjectionBatch([close(at)]).reopened).toBeUndefined();
  });
});
