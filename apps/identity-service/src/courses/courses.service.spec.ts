import { describe, expect, it } from '@jest/globals';
import { ErrorCode, UpdateCourseRequest, type Actor } from '@classconnect/contracts';
import { FakeEnrollmentRepository } from '../enrollments/testing/fakes.js';
import { FakeUserRepository } from '../users/testing/fakes.js';
import type { EventSink } from '@classconnect/messaging';
import { CoursesService } from './courses.service.js';
import { FakeCourseRepository } from './testing/fakes.js';

const admin: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'admin' };
const teacher: Actor = { userId: '22222222-2222-4222-8222-222222222222', role: 'teacher' };
const student: Actor = { userId: '33333333-3333-4333-8333-333333333333', role: 'student' };
const missingId = '0b7c2a10-1111-4c5d-8e9f-0000000000ff';

function setUp() {
  const users = new FakeUserRepository([
    { id: teacher.userId, email: 'ada@uni.test', name: 'Ada Lovelace', role: 'teacher', passwordHash: null, disabled: false },
    { id: student.userId, email: 'amara@uni.test', name: 'Amara Okafor', role: 'student', passwordHash: null, disabled: false },
  ]);
  const enrollments = new FakeEnrollmentRepository(users);
  const courses = new FakeCourseRepository(users, enrollments);
  const published: { subject: string; data: Record<string, unknown> }[] = [];
  const events: EventSink = { publish: async (subject, data) => (published.push({ subject, data: data as Record<string, unknown> }), {} as never) };
  return { courses, enrollments, published, service: new CoursesService(courses, users, enrollments, events, { timeZone: 'Europe/Paris', excusedPolicy: 'exclude' }) };
}

describe('CoursesService: lookups for other services', () => {
  function withCourse() {
    const s = setUp();
    const courseId = s.courses.add({ code: 'CS101', title: 'Computing', teacherIds: [teacher.userId] });
    s.enrollments.pairs.push({ courseId, studentId: student.userId });
    return { ...s, courseId };
  }

  it("lists a user's courses with the relation", async () => {
    const { service, courseId } = withCourse();
    await expect(service.coursesOf(teacher.userId)).resolves.toEqual({
      courses: [{ id: courseId, code: 'CS101', title: 'Computing', relation: 'teacher', timeZone: 'UTC', excusedPolicy: 'exclude' }],
    });
    await expect(service.coursesOf(admin.userId)).resolves.toEqual({ courses: [] });
  });

  it('returns a course, or COURSE_NOT_FOUND', async () => {
    const { service, courseId } = withCourse();
    await expect(service.course(courseId)).resolves.toMatchObject({ code: 'CS101', teacherIds: [teacher.userId] });
    await expect(service.course(missingId)).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
  });

  it('returns the roster of a course, or COURSE_NOT_FOUND', async () => {
    const { service, courseId } = withCourse();
    await expect(service.roster(courseId)).resolves.toEqual({
      courseId,
      students: [{ id: student.userId, name: 'Amara Okafor', email: 'amara@uni.test' }],
    });
    await expect(service.roster(missingId)).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
  });
});

describe('CoursesService: the catalogue', () => {
  it('creates, changes and staffs a course, publishing each change with who made it', async () => {
    const { published, service } = setUp();
    const { id: courseId } = await service.create({ actor: admin, code: 'BIO210', title: 'Biology', term: '2026 autumn' });
    await service.update({ actor: admin, courseId, title: 'Molecular biology' });
    await service.setTeachers({ actor: admin, courseId, teacherIds: [teacher.userId] });
    expect(published.map((p) => [p.subject, p.data.change, p.data.changedBy])).toEqual([
      ['directory.course.changed.v1', 'created', admin.userId],
      ['directory.course.changed.v1', 'updated', admin.userId],
      ['directory.course.changed.v1', 'teachers-set', admin.userId],
    ]);
    expect(published[2]!.data).toMatchObject({ code: 'BIO210', title: 'Molecular biology', teacherIds: [teacher.userId] });
  });

  it('refuses a taken code, an unknown course, non-teacher accounts as teachers, and non-admins', async () => {
    const { published, service } = setUp();
    const { id: courseId } = await service.create({ actor: admin, code: 'BIO210', title: 'Biology', term: 'x' });
    await expect(service.create({ actor: admin, code: 'BIO210', title: 'Again', term: 'x' })).rejects.toMatchObject({ code: ErrorCode.COURSE_CODE_TAKEN });
    await expect(service.update({ actor: admin, courseId: student.userId, title: 'x' })).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
    await expect(service.setTeachers({ actor: admin, courseId, teacherIds: [student.userId] })).rejects.toMatchObject({ code: ErrorCode.NOT_A_TEACHER });
    for (const actor of [teacher, student]) {
      await expect(service.create({ actor, code: 'NEW', title: 'x', term: 'x' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.setTeachers({ actor, courseId, teacherIds: [] })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    expect(published).toHaveLength(1);
  });

  it('gives a new course the deployment time zone and excused sessions left out, unless the admin chose', async () => {
    const { service } = setUp();
    await expect(service.create({ actor: admin, code: 'A1', title: 'A', term: 't' })).resolves.toMatchObject({ timeZone: 'Europe/Paris', excusedPolicy: 'exclude' });
    await expect(service.create({ actor: admin, code: 'A2', title: 'A', term: 't', timeZone: 'America/Toronto', excusedPolicy: 'attended' })).resolves.toMatchObject({
      timeZone: 'America/Toronto',
      excusedPolicy: 'attended',
    });
  });

  it('changes the time zone and excused policy alone, tells the lookups and the stream, and keeps the rest', async () => {
    const { published, service } = setUp();
    const { id: courseId } = await service.create({ actor: admin, code: 'BIO210', title: 'Biology', term: '2026 autumn' });
    const changed = await service.update({ actor: admin, courseId, timeZone: 'Asia/Tokyo', excusedPolicy: 'absent' });
    expect(changed).toMatchObject({ title: 'Biology', term: '2026 autumn', timeZone: 'Asia/Tokyo', excusedPolicy: 'absent' });
    await expect(service.course(courseId)).resolves.toMatchObject({ timeZone: 'Asia/Tokyo', excusedPolicy: 'absent' });
    expect(published[1]!.data).toMatchObject({ change: 'updated', timeZone: 'Asia/Tokyo', excusedPolicy: 'absent' });
    await expect(service.update({ actor: admin, courseId })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    expect(published).toHaveLength(2);
  });

  it('takes only IANA zone names (written back as the zone data spells them) and the three policies', () => {
    const base = { actor: admin, courseId: missingId };
    expect(UpdateCourseRequest.parse({ ...base, timeZone: 'europe/paris' }).timeZone).toBe('Europe/Paris');
    expect(UpdateCourseRequest.parse({ ...base, timeZone: 'UTC' }).timeZone).toBe('UTC');
    for (const timeZone of ['Mars/Olympus', '+01:00', 'Europe/Paris\u0000', '', 'x'.repeat(65)]) {
      expect(UpdateCourseRequest.safeParse({ ...base, timeZone }).error?.issues[0]?.path).toEqual(['timeZone']);
    }
    expect(UpdateCourseRequest.safeParse({ ...base, excusedPolicy: 'sometimes' }).success).toBe(false);
  });

  it('lists every course for admins, the taught ones for teachers, the attended ones for students', async () => {
    const { courses, service } = setUp();
    for (const actor of [admin, teacher, student]) await service.list(actor);
    expect(courses.filters).toEqual([
      { kind: 'all' },
      { kind: 'teaching', userId: teacher.userId },
      { kind: 'enrolled', userId: student.userId },
    ]);
  });
});
