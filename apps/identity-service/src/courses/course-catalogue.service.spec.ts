import { describe, expect, it } from '@jest/globals';
import { ErrorCode, type Actor, type CourseView } from '@classconnect/contracts';
import { CourseCatalogueRepository, type CourseFilter } from './course-catalogue.repository.js';
import { CourseCatalogueService, type EventSink } from './course-catalogue.service.js';

const admin: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'admin' };
const teacher: Actor = { userId: '22222222-2222-4222-8222-222222222222', role: 'teacher' };
const student: Actor = { userId: '33333333-3333-4333-8333-333333333333', role: 'student' };
const courseId = '44444444-4444-4444-8444-444444444444';

class FakeCatalogue extends CourseCatalogueRepository {
  course: CourseView | null = null;
  filters: CourseFilter[] = [];
  async create(c: { code: string; title: string; term: string }) {
    if (this.course?.code === c.code) return null;
    this.course = { id: courseId, ...c, teachers: [], studentCount: 0 };
    return this.course;
  }
  async update(id: string, c: { title?: string; term?: string }) {
    if (!this.course || id !== this.course.id) return null;
    Object.assign(this.course, c.title ? { title: c.title } : {}, c.term ? { term: c.term } : {});
    return this.course;
  }
  async setTeachers(id: string, ids: readonly string[]) {
    if (!this.course || id !== this.course.id) return null;
    this.course.teachers = ids.map((x) => ({ id: x, name: `T ${x.slice(0, 4)}` }));
    return this.course;
  }
  async notTeachers(ids: readonly string[]) {
    return ids.filter((id) => id !== teacher.userId);
  }
  async list(filter: CourseFilter) {
    this.filters.push(filter);
    return [];
  }
}

function setup() {
  const catalogue = new FakeCatalogue();
  const published: { subject: string; data: Record<string, unknown> }[] = [];
  const events: EventSink = { publish: async (subject, data) => (published.push({ subject, data: data as Record<string, unknown> }), {} as never) };
  return { catalogue, published, service: new CourseCatalogueService(catalogue, events) };
}

describe('CourseCatalogueService', () => {
  it('creates, changes and staffs a course, publishing each change with who made it', async () => {
    const { published, service } = setup();
    await service.create({ actor: admin, code: 'BIO210', title: 'Biology', term: '2026 autumn' });
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
    const { published, service } = setup();
    await service.create({ actor: admin, code: 'BIO210', title: 'Biology', term: 'x' });
    await expect(service.create({ actor: admin, code: 'BIO210', title: 'Again', term: 'x' })).rejects.toMatchObject({ code: ErrorCode.COURSE_CODE_TAKEN });
    await expect(service.update({ actor: admin, courseId: student.userId, title: 'x' })).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
    await expect(service.setTeachers({ actor: admin, courseId, teacherIds: [student.userId] })).rejects.toMatchObject({ code: ErrorCode.NOT_A_TEACHER });
    for (const actor of [teacher, student]) {
      await expect(service.create({ actor, code: 'NEW', title: 'x', term: 'x' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.setTeachers({ actor, courseId, teacherIds: [] })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    expect(published).toHaveLength(1);
  });

  it('lists every course for admins, the taught ones for teachers, the attended ones for students', async () => {
    const { catalogue, service } = setup();
    for (const actor of [admin, teacher, student]) await service.list(actor);
    expect(catalogue.filters).toEqual([
      { kind: 'all' },
      { kind: 'teaching', userId: teacher.userId },
      { kind: 'enrolled', userId: student.userId },
    ]);
  });
});
