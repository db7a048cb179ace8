/** An in-memory stand-in for EnrollmentRepository, with the same semantics as the Postgres one. */
import { EnrollmentRepository, type EnrollmentPair, type RosterStudent } from '../enrollment.repository.js';
import type { FakeUserRepository } from '../../users/testing/fakes.js';

const same = (a: EnrollmentPair) => (b: EnrollmentPair) => a.courseId === b.courseId && a.studentId === b.studentId;

export class FakeEnrollmentRepository extends EnrollmentRepository {
  readonly pairs: EnrollmentPair[] = [];

  /** The accounts the students' names and emails come from. */
  constructor(private readonly users: FakeUserRepository) {
    super();
  }

  async enrollmentsOf(courseIds: readonly string[]): Promise<(EnrollmentPair & { email: string })[]> {
    return this.pairs.filter((p) => courseIds.includes(p.courseId)).map((p) => ({ ...p, email: this.student(p.studentId).email }));
  }
  async enroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]> {
    const added = pairs.filter((p) => !this.pairs.some(same(p)));
    this.pairs.push(...added);
    return added;
  }
  async unenroll(pairs: readonly EnrollmentPair[]): Promise<EnrollmentPair[]> {
    const removed = this.pairs.filter((p) => pairs.some(same(p)));
    for (const p of removed) this.pairs.splice(this.pairs.indexOf(p), 1);
    return removed;
  }
  async enrollStudents(courseId: string, studentIds: readonly string[]): Promise<void> {
    await this.enroll(studentIds.map((studentId) => ({ courseId, studentId })));
  }
  async roster(courseId: string): Promise<RosterStudent[]> {
    return this.pairs
      .filter((p) => p.courseId === courseId)
      .map((p) => this.student(p.studentId))
      .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  }

  private student(id: string): RosterStudent {
    const user = this.users.users.find((u) => u.id === id);
    if (!user) throw new Error(`no account ${id} in the fake`);
    return { id: user.id, name: user.name, email: user.email };
  }
}
