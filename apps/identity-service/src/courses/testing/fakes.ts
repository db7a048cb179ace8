/** An in-memory stand-in for CourseRepository, with the same semantics as the Postgres one where the unit specs look. */
import { randomUUID } from 'node:crypto';
import type { CourseReply, CourseSettings, CourseSummary, CourseView } from '@classconnect/contracts';
import type { FakeEnrollmentRepository } from '../../enrollments/testing/fakes.js';
import type { FakeUserRepository } from '../../users/testing/fakes.js';
import { CourseRepository, type CourseChanges, type CourseFilter, type NewCourse } from '../course.repository.js';

interface FakeCourse extends CourseSettings {
  id: string;
  code: string;
  title: string;
  term: string | null;
  teacherIds: string[];
}

export class FakeCourseRepository extends CourseRepository {
  readonly courses: FakeCourse[] = [];
  readonly filters: CourseFilter[] = [];

  /** Teachers' names come from `users`, enrollments from `enrollments`. */
  constructor(
    private readonly users: FakeUserRepository,
    private readonly enrollments: FakeEnrollmentRepository,
  ) {
    super();
  }

  /** Adds a course directly, as the command line would; returns its id. */
  add(course: Partial<FakeCourse> & { code: string }): string {
    const c: FakeCourse = { id: randomUUID(), title: course.code, term: null, teacherIds: [], timeZone: 'UTC', excusedPolicy: 'exclude', ...course };
    this.courses.push(c);
    return c.id;
  }

  async create(c: { code: string; title: string; term: string } & CourseSettings): Promise<CourseView | null> {
    if (this.courses.some((x) => x.code === c.code)) return null;
    return this.view(this.add(c));
  }
  async update(courseId: string, c: CourseChanges): Promise<CourseView | null> {
    const course = this.get(courseId);
    if (!course) return null;
    for (const key of ['title', 'term', 'timeZone', 'excusedPolicy'] as const) if (c[key] !== undefined) Object.assign(course, { [key]: c[key] });
    return this.view(courseId);
  }
  async setTeachers(courseId: string, teacherIds: readonly string[]): Promise<CourseView | null> {
    const course = this.get(courseId);
    if (!course) return null;
    course.teacherIds = [...new Set(teacherIds)];
    return this.view(courseId);
  }
  async list(filter: CourseFilter): Promise<CourseView[]> {
    this.filters.push(filter);
    const shown = this.courses.filter((c) =>
      filter.kind === 'all'
        ? true
        : filter.kind === 'teaching'
          ? c.teacherIds.includes(filter.userId)
          : this.enrollments.pairs.some((p) => p.courseId === c.id && p.studentId === filter.userId),
    );
    return shown.sort((a, b) => a.code.localeCompare(b.code)).map((c) => this.view(c.id)!);
  }

  async coursesOf(userId: string): Promise<CourseSummary[]> {
    const ref = (c: FakeCourse, relation: 'teacher' | 'student'): CourseSummary => ({ id: c.id, code: c.code, title: c.title, relation, timeZone: c.timeZone, excusedPolicy: c.excusedPolicy });
    return [
      ...this.courses.filter((c) => c.teacherIds.includes(userId)).map((c) => ref(c, 'teacher')),
      ...this.courses.filter((c) => this.enrollments.pairs.some((p) => p.courseId === c.id && p.studentId === userId)).map((c) => ref(c, 'student')),
    ].sort((a, b) => a.code.localeCompare(b.code) || a.relation.localeCompare(b.relation));
  }
  async find(courseId: string): Promise<CourseReply | null> {
    const c = this.get(courseId);
    return c ? { id: c.id, code: c.code, title: c.title, timeZone: c.timeZone, excusedPolicy: c.excusedPolicy, teacherIds: [...c.teacherIds].sort() } : null;
  }
  async findByCodes(codes: readonly string[]): Promise<CourseReply[]> {
    const wanted = codes.map((c) => c.toUpperCase());
    const found = this.courses.filter((c) => wanted.includes(c.code.toUpperCase()));
    return Promise.all(found.map(async (c) => (await this.find(c.id))!));
  }
  async exists(courseId: string): Promise<boolean> {
    return this.get(courseId) !== undefined;
  }
  async codes(ids: readonly string[]): Promise<Map<string, string>> {
    return new Map(this.courses.filter((c) => ids.includes(c.id)).map((c) => [c.id, c.code]));
  }

  async upsert(course: NewCourse): Promise<string> {
    const found = this.courses.find((c) => c.code === course.code);
    if (!found) return this.add(course);
    Object.assign(found, { title: course.title, term: course.term });
    return found.id;
  }
  async addTeacher(courseId: string, teacherId: string): Promise<void> {
    const course = this.get(courseId);
    if (course && !course.teacherIds.includes(teacherId)) course.teacherIds.push(teacherId);
  }

  private get(courseId: string): FakeCourse | undefined {
    return this.courses.find((c) => c.id === courseId);
  }

  private view(courseId: string): CourseView | null {
    const c = this.get(courseId);
    if (!c) return null;
    const teachers = c.teacherIds.map((id) => ({ id, name: this.users.users.find((u) => u.id === id)?.name ?? id }));
    const studentCount = this.enrollments.pairs.filter((p) => p.courseId === c.id).length;
    return { id: c.id, code: c.code, title: c.title, term: c.term, timeZone: c.timeZone, excusedPolicy: c.excusedPolicy, teachers, studentCount };
  }
}
