/**
 * Courses and enrollments (identity-service): the courses a person teaches or attends, a course's
 * teachers and roster, what an admin creates and changes, and students enrolled one at a time.
 * Many at once: roster-import.ts.
 */
import { z } from 'zod';
import { Actor, Email, HumanText, Id } from '../primitives.js';

export const CoursesOfRequest = z.object({ userId: Id }).strict();
export interface CourseSummary {
  id: string;
  code: string;
  title: string;
  /** The user's relation to the course. */
  relation: 'teacher' | 'student';
}
export interface CoursesOfReply {
  courses: CourseSummary[];
}

export const CourseRequest = z.object({ courseId: Id }).strict();
export interface CourseReply {
  id: string;
  code: string;
  title: string;
  teacherIds: string[];
}
export interface RosterReply {
  courseId: string;
  students: { id: string; name: string; email: string }[];
}

export const CourseCode = HumanText({ max: 64 });
export const CourseTitle = HumanText({ max: 200 });
export const CourseTerm = HumanText({ max: 64 });

export const CreateCourseRequest = z.object({ actor: Actor, code: CourseCode, title: CourseTitle, term: CourseTerm }).strict();
export type CreateCourseRequest = z.infer<typeof CreateCourseRequest>;
export const UpdateCourseRequest = z
  .object({ actor: Actor, courseId: Id, title: CourseTitle.optional(), term: CourseTerm.optional() })
  .strict();
export type UpdateCourseRequest = z.infer<typeof UpdateCourseRequest>;
export const SetCourseTeachersRequest = z.object({ actor: Actor, courseId: Id, teacherIds: z.array(Id).max(50) }).strict();
export type SetCourseTeachersRequest = z.infer<typeof SetCourseTeachersRequest>;
export const ListCoursesRequest = z.object({ actor: Actor }).strict();

export interface CourseView {
  id: string;
  code: string;
  title: string;
  term: string | null;
  teachers: { id: string; name: string }[];
  studentCount: number;
}
export interface CourseListReply {
  courses: CourseView[];
}

/** Enroll a student by email (the account must exist and be a student's). */
export const AddEnrollmentRequest = z
  .object({ actor: Actor, courseId: Id, email: Email })
  .strict();
export type AddEnrollmentRequest = z.infer<typeof AddEnrollmentRequest>;
export const RemoveEnrollmentRequest = z.object({ actor: Actor, courseId: Id, studentId: Id }).strict();
export type RemoveEnrollmentRequest = z.infer<typeof RemoveEnrollmentRequest>;
export interface EnrollmentChangeReply {
  courseId: string;
  student: { id: string; name: string; email: string };
  /** false when the student was already enrolled (add) or not enrolled (remove): nothing changed. */
  changed: boolean;
}
/** The roster of a course, for its teachers and admins. */
export const CourseRosterRequest = z.object({ actor: Actor, courseId: Id }).strict();
export type CourseRosterRequest = z.infer<typeof CourseRosterRequest>;
export interface CourseRosterReply extends RosterReply {
  courseCode: string;
  courseTitle: string;
}
