import { beforeEach, describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@classconnect/contracts';
import { ReportQueryService } from './report-query.service.js';
import { FakeIdentity, FakeStore } from './testing/fakes.js';

const S = '10000000-0000-4000-8000-000000000001';
const C = '20000000-0000-4000-8000-000000000001';
const teacher = { userId: '30000000-0000-4000-8000-000000000001', role: 'teacher' as const };
const course = (teacherIds: string[]) => ({ id: C, code: 'CS101', title: 'Intro', teacherIds });

describe('ReportQueryService.get', () => {
  let store: FakeStore;
  let identity: FakeIdentity;
  let service: ReportQueryService;
  beforeEach(() => {
    store = new FakeStore();
    identity = new FakeIdentity();
    identity.courses.set(C, course([teacher.userId]));
    service = new ReportQueryService(store, identity);
    store.sessions.set(S, {
      sessionId: S,
      courseId: C,
      teacherId: teacher.userId,
      courseCode: 'CS101',
      courseTitle: 'Intro',
      openedAt: '2025-03-01T09:00:00.000Z',
      closedAt: '2025-03-01T09:50:00.000Z',
    });
  });

  it('refuses students, other teachers, unknown sessions and reports not built yet', async () => {
    await expect(service.get({ userId: teacher.userId, role: 'student' }, S)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.get({ userId: '30000000-0000-4000-8000-000000000002', role: 'teacher' }, S)).rejects.toMatchObject({
      code: ErrorCode.NOT_COURSE_TEACHER,
    });
    await expect(service.get(teacher, '10000000-0000-4000-8000-000000000009')).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
    await expect(service.get(teacher, S)).rejects.toMatchObject({ code: ErrorCode.REPORT_NOT_READY });
  });

  it('serves the report to a co-teacher of the course, but not after they stop teaching it', async () => {
    store.reports.set(S, { sessionId: S, courseId: C, builtAt: '2025-03-01T09:50:01.000Z', presentCount: 0, absentCount: 0, rows: [] });
    const coTeacher = { userId: '30000000-0000-4000-8000-000000000003', role: 'teacher' as const };
    identity.courses.set(C, course([teacher.userId, coTeacher.userId]));
    await expect(service.get(coTeacher, S)).resolves.toMatchObject({ sessionId: S });
    identity.courses.set(C, course([teacher.userId]));
    await expect(service.get(coTeacher, S)).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
  });

  it('serves the report to the session teacher and to an admin', async () => {
    store.reports.set(S, { sessionId: S, courseId: C, builtAt: '2025-03-01T09:50:01.000Z', presentCount: 0, absentCount: 0, rows: [] });
    const expected = { sessionId: S, courseId: C, courseCode: 'CS101', courseTitle: 'Intro', closedAt: '2025-03-01T09:50:00.000Z', rows: [] };
    await expect(service.get(teacher, S)).resolves.toMatchObject(expected);
    await expect(service.get({ userId: '50000000-0000-4000-8000-000000000001', role: 'admin' }, S)).resolves.toMatchObject(expected);
  });

  it('says whether the report is incomplete, and what it was built without', async () => {
    const missing = '40000000-0000-4000-8000-000000000001';
    const base = { sessionId: S, courseId: C, builtAt: '2025-03-01T09:50:04.000Z', presentCount: 1, absentCount: 0, rows: [] };
    store.reports.set(S, { ...base, incomplete: { reason: 'EVENTS_MISSING', missingStudentIds: [missing], openedMissing: false } });
    await expect(service.get(teacher, S)).resolves.toMatchObject({ incomplete: { reason: 'EVENTS_MISSING', missingStudentIds: [missing], openedMissing: false } });
    store.reports.set(S, { ...base, revision: 1 });
    await expect(service.get(teacher, S)).resolves.not.toHaveProperty('incomplete');
  });

  it('shows each student’s check-in flags on their row, also flags found after the report was built', async () => {
    const row = { studentId: '40000000-0000-4000-8000-000000000001', name: 'Ada', email: 'a@x', status: 'present' as const };
    const other = { ...row, studentId: '40000000-0000-4000-8000-000000000002', name: 'Bob' };
    store.reports.set(S, { sessionId: S, courseId: C, builtAt: '2025-03-01T09:50:01.000Z', presentCount: 2, absentCount: 0, rows: [row, other] });
    store.flags.set(S, new Map([[row.studentId, [{ code: 'ACCURACY_ZERO', detail: 'Accuracy 0.' }]]]));
    const report = await service.get(teacher, S);
    expect(report.rows[0]).toEqual({ ...row, flags: [{ code: 'ACCURACY_ZERO', detail: 'Accuracy 0.' }] });
    expect(report.rows[1]).toEqual(other);
  });

  it('gives the session’s rate under the course’s excused policy, with the course’s time zone', async () => {
    const r = (n: number, status: 'present' | 'late' | 'excused' | 'absent') => ({ studentId: `40000000-0000-4000-8000-00000000000${n}`, name: `S${n}`, email: `s${n}@x`, status });
    // 1 present, 1 late, 2 excused, 1 absent.
    const rows = [r(1, 'present'), r(2, 'late'), r(3, 'excused'), r(4, 'excused'), r(5, 'absent')];
    store.reports.set(S, { sessionId: S, courseId: C, builtAt: '2025-03-01T09:50:01.000Z', presentCount: 2, absentCount: 3, rows });
    const under = async (excusedPolicy?: 'exclude' | 'attended' | 'absent') => {
      identity.courses.set(C, { ...course([teacher.userId]), timeZone: 'Europe/Paris', ...(excusedPolicy ? { excusedPolicy } : {}) });
      return service.get(teacher, S);
    };
    await expect(under('exclude')).resolves.toMatchObject({ rate: 2 / 3, excusedPolicy: 'exclude', timeZone: 'Europe/Paris' });
    await expect(under('attended')).resolves.toMatchObject({ rate: 4 / 5, excusedPolicy: 'attended' });
    await expect(under('absent')).resolves.toMatchObject({ rate: 2 / 5, excusedPolicy: 'absent' });
    // An identity-service from before the setting: excused left out.
    await expect(under()).resolves.toMatchObject({ rate: 2 / 3, excusedPolicy: 'exclude' });
    // The counts stay what they were: the policy changes the rate, not the statuses.
    await expect(under('absent')).resolves.toMatchObject({ counts: { present: 1, late: 1, excused: 2, absent: 1 }, presentCount: 2, absentCount: 3 });
  });

  it('serves a session’s flags so far to its teachers, not to students or other teachers', async () => {
    store.flags.set(S, new Map([['40000000-0000-4000-8000-000000000001', [{ code: 'SHARED_DEVICE', detail: 'Same device.' }]]]));
    await expect(service.flags(teacher, S)).resolves.toEqual({
      sessionId: S,
      students: [{ studentId: '40000000-0000-4000-8000-000000000001', flags: [{ code: 'SHARED_DEVICE', detail: 'Same device.' }] }],
    });
    await expect(service.flags({ userId: teacher.userId, role: 'student' }, S)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.flags({ userId: '30000000-0000-4000-8000-000000000002', role: 'teacher' }, S)).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
  });
});
