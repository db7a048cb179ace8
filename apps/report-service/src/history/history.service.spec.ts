import { beforeEach, describe, expect, it } from '@jest/globals';
import { ErrorCode, type AttendanceStatus } from '@classconnect/contracts';
import { FakeIdentity } from '../reports/testing/fakes.js';
import type { ClosedSessionRecord, HistoryRow } from './history.ports.js';
import { HistoryService } from './history.service.js';
import { FakeHistoryStore } from './testing/fakes.js';

const C = '20000000-0000-4000-8000-000000000001';
const C2 = '20000000-0000-4000-8000-000000000002';
const teacher = { userId: '30000000-0000-4000-8000-000000000001', role: 'teacher' as const };
const ann = { id: '40000000-0000-4000-8000-00000000000a', name: 'Ann Able', email: 'ann@uni.test' };
const bob = { id: '40000000-0000-4000-8000-00000000000b', name: 'Bob Best', email: 'bob@uni.test' };
const cal = { id: '40000000-0000-4000-8000-00000000000c', name: 'Cal Cole', email: 'cal@uni.test' };
const dee = { id: '40000000-0000-4000-8000-00000000000d', name: 'Dee Dunn', email: 'dee@uni.test' };

const row = (s: { id: string; name: string; email: string }, status: AttendanceStatus, changedByHand = false): HistoryRow => ({
  studentId: s.id,
  name: s.name,
  email: s.email,
  status,
  changedByHand,
});
const session = (n: number, courseId: string, rows: HistoryRow[]): ClosedSessionRecord => ({
  sessionId: `10000000-0000-4000-8000-00000000000${n}`,
  courseId,
  openedAt: `2025-03-0${n}T09:00:00.000Z`,
  closedAt: `2025-03-0${n}T09:50:00.000Z`,
  rows,
});

describe('HistoryService', () => {
  let store: FakeHistoryStore;
  let identity: FakeIdentity;
  let service: HistoryService;

  beforeEach(() => {
    store = new FakeHistoryStore();
    identity = new FakeIdentity();
    service = new HistoryService(store, identity);
    identity.courses.set(C, { id: C, code: 'CS101', title: 'Computing', teacherIds: [teacher.userId] });
    identity.courses.set(C2, { id: C2, code: 'MA201', title: 'Algebra', teacherIds: [] });
    // Dee is enrolled now but joined after the sessions; Cal left after the first session.
    identity.rosters.set(C, [bob, ann, dee]);
    store.sessions = [
      session(1, C, [row(ann, 'present'), row(bob, 'absent'), row(cal, 'late')]),
      session(3, C, [row(ann, 'excused', true), row(bob, 'late')]),
      session(2, C, [row(ann, 'late'), row(bob, 'present', true)]),
      session(4, C2, [row(ann, 'absent')]),
    ];
  });

  it('lists the course’s closed sessions newest first with counts, and each student’s rate over the sessions that listed them', async () => {
    const h = await service.courseHistory(teacher, C);
    expect(h).toMatchObject({ courseId: C, courseCode: 'CS101', courseTitle: 'Computing' });
    expect(h.sessions.map((s) => s.sessionId.slice(-1))).toEqual(['3', '2', '1']);
    expect(h.sessions[2]).toEqual({
      sessionId: '10000000-0000-4000-8000-000000000001',
      openedAt: '2025-03-01T09:00:00.000Z',
      closedAt: '2025-03-01T09:50:00.000Z',
      counts: { present: 1, late: 1, excused: 0, absent: 1 },
      listed: 3,
    });
    expect(h.students.map((s) => [s.name, s.enrolled, s.sessions, s.rate])).toEqual([
      ['Ann Able', true, 3, 1],
      ['Bob Best', true, 3, 2 / 3],
      ['Cal Cole', false, 1, 1],
      ['Dee Dunn', true, 0, null],
    ]);
    expect(h.students[0]!.counts).toEqual({ present: 1, late: 1, excused: 1, absent: 0 });
    // The grid of the whole-course export: each student's status per session.
    expect(Object.entries(h.students[0]!.statuses!).map(([id, st]) => [id.slice(-1), st]).sort()).toEqual([['1', 'present'], ['2', 'late'], ['3', 'excused']].sort());
  });

  it('lets admins read any course, and refuses students, other teachers and unknown courses', async () => {
    await expect(service.courseHistory({ userId: teacher.userId, role: 'admin' }, C2)).resolves.toMatchObject({ courseCode: 'MA201' });
    await expect(service.courseHistory({ userId: ann.id, role: 'student' }, C)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.courseHistory(teacher, C2)).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    await expect(service.courseHistory(teacher, '20000000-0000-4000-8000-000000000009')).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
  });

  it('gives a student their own status in each session of each course they attend, and nobody else’s', async () => {
    identity.coursesByUser.set(ann.id, [
      { id: C, code: 'CS101', title: 'Computing', relation: 'student' },
      { id: C2, code: 'MA201', title: 'Algebra', relation: 'student' },
    ]);
    const mine = await service.myHistory({ userId: ann.id, role: 'student' });
    expect(mine.courses).toHaveLength(2);
    expect(mine.courses[0]).toMatchObject({ courseId: C, courseCode: 'CS101', rate: 1, counts: { present: 1, late: 1, excused: 1, absent: 0 } });
    expect(mine.courses[0]!.sessions.map((s) => [s.sessionId.slice(-1), s.status, s.changedByHand])).toEqual([
      ['3', 'excused', true],
      ['2', 'late', false],
      ['1', 'present', false],
    ]);
    expect(mine.courses[1]).toMatchObject({ courseCode: 'MA201', rate: 0, sessions: [{ status: 'absent' }] });
    expect(JSON.stringify(mine)).not.toContain(bob.id);
    expect(JSON.stringify(mine)).not.toContain('Bob');
  });

  it('shows a course with no closed session yet with a null rate, and leaves out courses the user teaches', async () => {
    identity.coursesByUser.set(dee.id, [
      { id: C, code: 'CS101', title: 'Computing', relation: 'student' },
      { id: C2, code: 'MA201', title: 'Algebra', relation: 'teacher' },
    ]);
    await expect(service.myHistory({ userId: dee.id, role: 'student' })).resolves.toEqual({
      courses: [
        { courseId: C, courseCode: 'CS101', courseTitle: 'Computing', sessions: [], counts: { present: 0, late: 0, excused: 0, absent: 0 }, rate: null, excusedPolicy: 'exclude' },
      ],
    });
    await expect(service.myHistory(teacher)).resolves.toEqual({ courses: [] });
  });

  it('follows the course’s excused policy in every rate: a course’s history and a student’s own', async () => {
    // Ann: present, late, excused. Under `attended` 3/3, under `absent` 2/3, left out 2/2.
    const rates = async (excusedPolicy: 'exclude' | 'attended' | 'absent') => {
      identity.courses.set(C, { id: C, code: 'CS101', title: 'Computing', teacherIds: [teacher.userId], excusedPolicy, timeZone: 'Europe/Paris' });
      identity.coursesByUser.set(ann.id, [{ id: C, code: 'CS101', title: 'Computing', relation: 'student', excusedPolicy }]);
      const course = await service.courseHistory(teacher, C);
      const mine = await service.myHistory({ userId: ann.id, role: 'student' });
      expect(course).toMatchObject({ excusedPolicy, timeZone: 'Europe/Paris' });
      expect(mine.courses[0]).toMatchObject({ excusedPolicy });
      return [course.students.find((s) => s.studentId === ann.id)!.rate, mine.courses[0]!.rate];
    };
    expect(await rates('exclude')).toEqual([1, 1]);
    expect(await rates('attended')).toEqual([1, 1]);
    expect(await rates('absent')).toEqual([2 / 3, 2 / 3]);
  });

  it('shows two excused sessions as no rate under `exclude`, as 100 % under `attended`, and as 0 % only under `absent`', async () => {
    store.sessions = [session(1, C, [row(ann, 'excused', true)]), session(2, C, [row(ann, 'excused', true)])];
    const rateUnder = async (excusedPolicy: 'exclude' | 'attended' | 'absent') => {
      identity.courses.set(C, { id: C, code: 'CS101', title: 'Computing', teacherIds: [teacher.userId], excusedPolicy });
      return (await service.courseHistory(teacher, C)).students.find((s) => s.studentId === ann.id)!.rate;
    };
    expect(await rateUnder('exclude')).toBeNull();
    expect(await rateUnder('attended')).toBe(1);
    expect(await rateUnder('absent')).toBe(0);
  });
});
