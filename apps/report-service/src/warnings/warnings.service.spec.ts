import { beforeEach, describe, expect, it } from '@jest/globals';
import { ErrorCode, type AttendanceStatus } from '@classconnect/contracts';
import { SettableClock } from '@classconnect/config';
import { FakeIdentity } from '../reports/testing/fakes.js';
import { WarningsService } from './warnings.service.js';
import { FakeWarningStore } from './testing/fakes.js';

const C = '20000000-0000-4000-8000-000000000001';
const ann = '40000000-0000-4000-8000-00000000000a';
const bob = '40000000-0000-4000-8000-00000000000b';
const teacher = { userId: '30000000-0000-4000-8000-000000000001', role: 'teacher' as const };
const config = { WARNING_MIN_RATE: 0.7, WARNING_MIN_SESSIONS: 5, WARNING_CONSECUTIVE_ABSENCES: 3, WARNING_EXCUSED_POLICY: 'exclude' as const };
const sid = (n: number) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

class RecordingSink {
  published: { subject: string; data: Record<string, unknown>; dedupKey: string }[] = [];
  failNext = false;
  async publish(subject: string, data: Record<string, unknown>, opts: { dedupKey: string }) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('NATS went away');
    }
    this.published.push({ subject, data, dedupKey: opts.dedupKey });
    return {} as never;
  }
}

describe('WarningsService', () => {
  let store: FakeWarningStore;
  let sink: RecordingSink;
  let identity: FakeIdentity;
  let service: WarningsService;
  /** Adds the course's next closed session (newest first in the store) and evaluates it. */
  const close = async (statuses: Record<string, AttendanceStatus>) => {
    const sessions = store.reports.get(C) ?? [];
    const sessionId = sid(sessions.length + 1);
    store.reports.set(C, [{ sessionId, statuses }, ...sessions]);
    await service.onReportChanged(sessionId);
    return sessionId;
  };
  const kinds = () => sink.published.map((p) => `${p.subject.split('.')[2]} ${String(p.data.kind)} ${String(p.data.studentId).slice(-1)}`);

  beforeEach(() => {
    store = new FakeWarningStore();
    sink = new RecordingSink();
    identity = new FakeIdentity();
    identity.courses.set(C, { id: C, code: 'CS101', title: 'Computing', teacherIds: [teacher.userId] });
    service = new WarningsService(store, identity, sink, new SettableClock(), config);
  });

  it('raises a warning once when the thresholds are crossed and clears it when they no longer are', async () => {
    await close({ [ann]: 'absent', [bob]: 'present' });
    await close({ [ann]: 'absent', [bob]: 'present' });
    expect(sink.published).toHaveLength(0);
    await close({ [ann]: 'absent', [bob]: 'present' });
    expect(kinds()).toEqual(['raised CONSECUTIVE_ABSENCES a']);
    await close({ [ann]: 'absent', [bob]: 'present' }); // still absent: nothing new
    expect(kinds()).toEqual(['raised CONSECUTIVE_ABSENCES a']);
    await close({ [ann]: 'absent', [bob]: 'present' }); // 0/5: now also below 70 %
    expect(kinds()).toEqual(['raised CONSECUTIVE_ABSENCES a', 'raised LOW_RATE a']);
    await close({ [ann]: 'present', [bob]: 'present' }); // the run is broken, the rate still 1/6
    expect(kinds().slice(2)).toEqual(['cleared CONSECUTIVE_ABSENCES a']);
    const raised = sink.published[0]!;
    const cleared = sink.published[2]!;
    expect(cleared.data).toMatchObject({ warningId: raised.data.warningId, reason: 'RECOVERED', figures: { consecutiveAbsences: 0, countedSessions: 6 } });
    expect(raised.dedupKey).toBe(`warning.raised:${String(raised.data.warningId)}`);
    expect(await store.openOfStudent(ann)).toEqual([expect.objectContaining({ kind: 'LOW_RATE' })]);
  });

  it('decides again when a report changes by hand: an absence excused clears the run', async () => {
    const sessions = [await close({ [ann]: 'absent' }), await close({ [ann]: 'absent' }), await close({ [ann]: 'absent' })];
    expect(kinds()).toEqual(['raised CONSECUTIVE_ABSENCES a']);
    store.reports.get(C)!.find((s) => s.sessionId === sessions[1])!.statuses[ann] = 'excused';
    await service.onReportChanged(sessions[1]!);
    expect(kinds()).toEqual(['raised CONSECUTIVE_ABSENCES a', 'cleared CONSECUTIVE_ABSENCES a']);
  });

  it('publishes a raise it wrote but could not publish at the next evaluation, under the same key', async () => {
    await close({ [ann]: 'absent' });
    await close({ [ann]: 'absent' });
    sink.failNext = true;
    await expect(close({ [ann]: 'absent' })).rejects.toThrow('NATS went away');
    expect(sink.published).toHaveLength(0);
    await service.onReportChanged(sid(3)); // the redelivery
    expect(kinds()).toEqual(['raised CONSECUTIVE_ABSENCES a']);
    await service.onReportChanged(sid(3));
    expect(sink.published).toHaveLength(1);
  });

  it('clears the warnings of a student the newest report no longer lists', async () => {
    for (let i = 0; i < 3; i++) await close({ [ann]: 'absent', [bob]: 'present' });
    await close({ [bob]: 'present' });
    expect(sink.published.at(-1)!.data).toMatchObject({ studentId: ann, reason: 'NOT_LISTED' });
  });

  it('lets a course’s teacher set its own thresholds, re-deciding at once, and go back to the defaults', async () => {
    for (let i = 0; i < 2; i++) await close({ [ann]: 'absent', [bob]: 'present' });
    const reply = await service.setThresholds(teacher, C, { minRate: 0.7, minSessions: 5, consecutiveAbsences: 2, excusedPolicy: 'absent' });
    expect(reply).toMatchObject({ overridden: true, thresholds: { consecutiveAbsences: 2 }, warnings: [{ studentId: ann, kind: 'CONSECUTIVE_ABSENCES' }] });
    const back = await service.setThresholds(teacher, C, null);
    expect(back).toMatchObject({ overridden: false, thresholds: { consecutiveAbsences: 3, excusedPolicy: 'exclude' }, warnings: [] });
    expect(sink.published.at(-1)!.data).toMatchObject({ reason: 'THRESHOLDS_CHANGED' });
  });

  it('shows a course’s warnings to its staff only, and a student only their own', async () => {
    for (let i = 0; i < 3; i++) await close({ [ann]: 'absent', [bob]: 'absent' });
    await expect(service.courseWarnings({ userId: bob, role: 'student' }, C)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.courseWarnings({ userId: '30000000-0000-4000-8000-000000000002', role: 'teacher' }, C)).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    await expect(service.setThresholds({ userId: '30000000-0000-4000-8000-000000000002', role: 'teacher' }, C, null)).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    expect((await service.courseWarnings(teacher, C)).warnings).toHaveLength(2);
    identity.coursesByUser.set(ann, [{ id: C, code: 'CS101', title: 'Computing', relation: 'student' }]);
    const mine = await service.myWarnings({ userId: ann, role: 'student' });
    expect(mine.warnings).toEqual([expect.objectContaining({ studentId: ann, courseCode: 'CS101', kind: 'CONSECUTIVE_ABSENCES' })]);
  });
});
