import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import { runInTransaction } from '../infrastructure/directory-transactions.js';
import type { ProvisionedUser } from '../users/user.repository.js';
import { personName } from './people-names.js';

export const TestClassPassword = 'classconnect-test-pass';
export const MaxTestClassStudents = 20_000;
const Domain = 'class.classconnect.test';

export interface TestClassOptions {
  students: number;
  /** Makes the emails and the course code unique; a random short id when left out. */
  prefix?: string;
  password?: string;
}

/** What `create-class` prints: everything a test or the benchmark needs to sign in and check in. */
export interface TestClass {
  courseId: string;
  courseCode: string;
  teacher: { id: string; email: string; password: string };
  students: { id: string; email: string; name: string; password: string }[];
}

export function randomPrefix(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** Creates one teacher, one course and N enrolled students sharing one password (hashed once). */
export async function createTestClass(ds: DataSource, hasher: PasswordHasher, opts: TestClassOptions): Promise<TestClass> {
  if (!Number.isInteger(opts.students) || opts.students < 1 || opts.students > MaxTestClassStudents) {
    throw new RangeError(`The number of students must be a whole number from 1 to ${MaxTestClassStudents}.`);
  }
  const prefix = (opts.prefix ?? randomPrefix()).toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(prefix)) {
    throw new RangeError('The prefix must be 1 to 32 letters, digits or dashes, starting with a letter or digit.');
  }
  const password = opts.password ?? TestClassPassword;
  const passwordHash = await hasher.hash(password);
  const width = Math.max(4, String(opts.students).length);
  const teacher = { email: `${prefix}.teacher@${Domain}`, name: 'Grace Hopper', role: 'teacher', passwordHash } as const;
  const students: ProvisionedUser[] = Array.from({ length: opts.students }, (_, i) => ({
    email: `${prefix}.s${String(i + 1).padStart(width, '0')}@${Domain}`,
    name: personName(i),
    role: 'student',
    passwordHash,
  }));
  const courseCode = `${prefix.toUpperCase()}-101`;

  return runInTransaction(ds, async ({ users, courses, enrollments }) => {
    const [teacherId] = await users.insertMany([teacher]);
    const studentIds = await users.insertMany(students);
    const courseId = await courses.upsert({ code: courseCode, title: `Test class ${prefix} (${opts.students} students)`, term: 'test' });
    await courses.addTeacher(courseId, teacherId!);
    await enrollments.enrollStudents(courseId, studentIds);
    return {
      courseId,
      courseCode,
      teacher: { id: teacherId!, email: teacher.email, password },
      students: students.map((s, i) => ({ id: studentIds[i]!, email: s.email, name: s.name, password })),
    };
  });
}
