import type { DataSource } from 'typeorm';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import { runInTransaction } from '../infrastructure/directory-transactions.js';
import { personName } from './people-names.js';

const Domain = 'demo.classconnect.test';

export const DemoPasswords = {
  admin: 'demo-admin-pass',
  teacher: 'demo-teacher-pass',
  student: 'demo-student-pass',
} as const;

export const DemoAdmin = { email: `admin@${Domain}`, name: 'Morgan Admin' };
export const DemoTeachers = {
  ada: { email: `ada.teacher@${Domain}`, name: 'Ada Lovelace' },
  alan: { email: `alan.teacher@${Domain}`, name: 'Alan Turing' },
} as const;

export const DemoStudentCount = 60;

/** Student numbers run from 1 to 60; each course lists the ranges it enrolls, so every course has students. */
interface DemoCourse {
  code: string;
  title: string;
  term: string;
  teacher: keyof typeof DemoTeachers;
  students: readonly (readonly [from: number, to: number])[];
}

export const DemoCourses: readonly DemoCourse[] = [
  { code: 'CS101', title: 'Introduction to Computing', term: '2026 Autumn', teacher: 'ada', students: [[1, 40]] },
  { code: 'MA201', title: 'Linear Algebra', term: '2026 Autumn', teacher: 'ada', students: [[21, 60]] },
  { code: 'PH110', title: 'Physics', term: '2026 Autumn', teacher: 'alan', students: [[1, 30], [41, 60]] },
];

export function demoStudentEmail(n: number): string {
  return `student${String(n).padStart(2, '0')}@${Domain}`;
}

export interface DemoSummary {
  admins: number;
  teachers: number;
  students: number;
  courses: { code: string; title: string; teacher: string; enrolled: number }[];
}

/**
 * Creates the demo university, or brings it back to its known state: running it twice changes
 * nothing but the password hashes. Each distinct password is hashed once.
 */
export async function seedDemoUniversity(ds: DataSource, hasher: PasswordHasher): Promise<DemoSummary> {
  const [adminHash, teacherHash, studentHash] = await Promise.all([
    hasher.hash(DemoPasswords.admin),
    hasher.hash(DemoPasswords.teacher),
    hasher.hash(DemoPasswords.student),
  ]);
  return runInTransaction(ds, async ({ users, courses: catalogue, enrollments }) => {
    await users.upsert({ ...DemoAdmin, role: 'admin', passwordHash: adminHash });
    const teacherIds: Record<string, string> = {};
    for (const [key, teacher] of Object.entries(DemoTeachers)) {
      teacherIds[key] = await users.upsert({ ...teacher, role: 'teacher', passwordHash: teacherHash });
    }
    const studentIds = new Map<number, string>();
    for (let n = 1; n <= DemoStudentCount; n++) {
      studentIds.set(n, await users.upsert({ email: demoStudentEmail(n), name: personName(n - 1), role: 'student', passwordHash: studentHash }));
    }
    const courses: DemoSummary['courses'] = [];
    for (const course of DemoCourses) {
      const courseId = await catalogue.upsert(course);
      await catalogue.addTeacher(courseId, teacherIds[course.teacher]!);
      const enrolled = course.students.flatMap(([from, to]) => range(from, to).map((n) => studentIds.get(n)!));
      await enrollments.enrollStudents(courseId, enrolled);
      courses.push({ code: course.code, title: course.title, teacher: DemoTeachers[course.teacher].email, enrolled: enrolled.length });
    }
    return { admins: 1, teachers: Object.keys(DemoTeachers).length, students: DemoStudentCount, courses };
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
