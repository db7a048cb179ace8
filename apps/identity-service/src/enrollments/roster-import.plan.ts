/**
 * Decides what a roster file changes, line by line, from what the database holds now. Pure: the
 * same plan serves a preview (shown, not written) and a commit (written in one transaction).
 */
import { z } from 'zod';
import type { Actor, RosterImportMode, RosterImportSummary, RosterLineCode, RosterLineError } from '@classconnect/contracts';
import type { RosterLine } from './roster-import.parser.js';

export interface PlanCourse {
  id: string;
  code: string;
  title: string;
  teacherIds: string[];
}
export interface PlanUser {
  id: string;
  role: 'admin' | 'teacher' | 'student';
}

export interface PlanInput {
  actor: Actor;
  lines: RosterLine[];
  /** The course of lines without one (the request's courseId). */
  defaultCourse?: PlanCourse;
  /** Courses named by the file, keyed by upper-case code. */
  coursesByCode: ReadonlyMap<string, PlanCourse>;
  /** Existing accounts among the file's emails. */
  usersByEmail: ReadonlyMap<string, PlanUser>;
  /** Current enrollments of the file's courses: courseId → (studentId → email). */
  enrolled: ReadonlyMap<string, ReadonlyMap<string, string>>;
  removeMissing: boolean;
}

export interface RosterPlan {
  errors: RosterLineError[];
  /** Accounts to create, one per email. */
  newAccounts: { email: string; name: string }[];
  /** Enrollments to add, by email (a new account has no id yet). */
  toEnroll: { courseId: string; email: string }[];
  alreadyEnrolled: number;
  /** Enrollments to remove (removeMissing). */
  toRemove: { courseId: string; studentId: string }[];
  /** The courses with at least one valid line, in the order the file names them. */
  courses: PlanCourse[];
  lines: number;
}

const Email = z.string().email().max(254);

export function courseKey(code: string): string {
  return code.trim().toUpperCase();
}

/** May this actor change this course's roster? Admins any; teachers the courses they teach. */
export function mayManage(actor: Actor, course: PlanCourse): boolean {
  return actor.role === 'admin' || (actor.role === 'teacher' && course.teacherIds.includes(actor.userId));
}

export function planRoster(input: PlanInput): RosterPlan {
  const errors: RosterLineError[] = [];
  const newAccounts = new Map<string, string>();
  const toEnroll: { courseId: string; email: string }[] = [];
  let alreadyEnrolled = 0;
  const firstLineOf = new Map<string, number>();
  /** courseId → emails the file lists for it (also on lines with errors), for removeMissing. */
  const listed = new Map<string, Set<string>>();
  const courses = new Map<string, PlanCourse>();
  const fail = (line: number, code: RosterLineCode, message: string, about: Partial<RosterLineError> = {}) =>
    void errors.push({ line, code, message, ...about });

  for (const l of input.lines) {
    // A cell that cannot be stored is reported where that cell is read: an unreadable name still lists the student for removeMissing.
    if (l.badText?.column === 'email') {
      fail(l.line, 'BAD_TEXT', l.badText.message);
      continue;
    }
    if (!l.email || !Email.safeParse(l.email).success) {
      fail(l.line, 'BAD_EMAIL', l.email ? `“${l.email}” is not an email address.` : 'The email is missing.', l.email ? { email: l.email } : {});
      continue;
    }
    if (l.badText?.column === 'course') {
      fail(l.line, 'BAD_TEXT', l.badText.message, { email: l.email });
      continue;
    }
    const course = l.courseCode ? input.coursesByCode.get(courseKey(l.courseCode)) : input.defaultCourse;
    if (!course) {
      fail(
        l.line,
        'UNKNOWN_COURSE',
        l.courseCode ? `No course has the code “${l.courseCode}”.` : 'No course is given: add a course column to the file, or choose the course before importing.',
        { email: l.email, ...(l.courseCode ? { courseCode: l.courseCode } : {}) },
      );
      continue;
    }
    if (!mayManage(input.actor, course)) {
      fail(l.line, 'NOT_YOUR_COURSE', `You do not teach ${course.code}, so you cannot change its roster.`, { email: l.email, courseCode: course.code });
      continue;
    }
    const key = `${course.id}\n${l.email}`;
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      fail(l.line, 'DUPLICATE_LINE', `The same student and course are already on line ${first}.`, { email: l.email, courseCode: course.code, firstLine: first });
      continue;
    }
    firstLineOf.set(key, l.line);
    let emails = listed.get(course.id);
    if (!emails) listed.set(course.id, (emails = new Set()));
    emails.add(l.email);
    if (l.badText) {
      fail(l.line, 'BAD_TEXT', l.badText.message, { email: l.email, courseCode: course.code });
      continue;
    }

    const user = input.usersByEmail.get(l.email);
    if (user && user.role !== 'student') {
      fail(l.line, 'NOT_A_STUDENT', `${l.email} belongs to ${user.role === 'admin' ? 'an administrator' : 'a teacher'}, not a student: only students are enrolled.`, {
        email: l.email,
        role: user.role,
      });
      continue;
    }
    if (!user && !l.name && !newAccounts.has(l.email)) {
      fail(l.line, 'MISSING_NAME', `${l.email} has no account yet, and the line gives no name to create it with.`, { email: l.email, courseCode: course.code });
      continue;
    }
    courses.set(course.id, course);
    if (user && input.enrolled.get(course.id)?.has(user.id)) {
      alreadyEnrolled++;
      continue;
    }
    if (!user && !newAccounts.has(l.email)) newAccounts.set(l.email, l.name);
    toEnroll.push({ courseId: course.id, email: l.email });
  }

  const toRemove: { courseId: string; studentId: string }[] = [];
  if (input.removeMissing) {
    // Only courses with at least one valid line: a file whose every line failed never empties a course.
    for (const course of courses.values()) {
      const keep = listed.get(course.id) ?? new Set();
      for (const [studentId, email] of input.enrolled.get(course.id) ?? []) if (!keep.has(email)) toRemove.push({ courseId: course.id, studentId });
    }
  }

  return {
    errors: errors.sort((a, b) => a.line - b.line),
    newAccounts: [...newAccounts].map(([email, name]) => ({ email, name })),
    toEnroll,
    alreadyEnrolled,
    toRemove,
    courses: [...courses.values()],
    lines: input.lines.length,
  };
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The sentence shown above the summary table. */
export function summarySentence(mode: RosterImportMode, s: RosterImportSummary): string {
  const errors = s.errorLines > 0 ? ` ${count(s.errorLines, 'line has an error and is', 'lines have errors and are')} not applied.` : '';
  const changes = s.accountsCreated + s.enrolled + s.removed;
  if (changes === 0) {
    return `Nothing to change: ${s.alreadyEnrolled > 0 ? `${count(s.alreadyEnrolled, 'student is', 'students are')} already enrolled.` : 'no line can be applied.'}${errors}`;
  }
  const parts = [
    s.accountsCreated > 0 ? `create ${count(s.accountsCreated, 'student account', 'student accounts')}` : '',
    s.enrolled > 0 ? `enroll ${count(s.enrolled, 'student', 'students')}` : '',
    s.removed > 0 ? `remove ${count(s.removed, 'student', 'students')}` : '',
  ].filter(Boolean);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
  const already = s.alreadyEnrolled > 0 ? ` ${count(s.alreadyEnrolled, 'student was', 'students were')} already enrolled.` : '';
  if (mode === 'preview') return `Importing this file will ${list}.${already}${errors}`;
  const done = list.replace(/^create/, 'Created').replace(/enroll /, 'enrolled ').replace(/^enrolled/, 'Enrolled').replace(/remove /, 'removed ').replace(/^removed/, 'Removed');
  return `${done}.${already}${errors}`;
}
