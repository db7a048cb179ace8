/**
 * Courses (identity-service): the courses a person teaches or attends, a course's teachers and
 * roster, what an admin creates and changes. Students enrolled one at a time: enrollments.ts; many
 * at once: roster-import.ts.
 */
import { z } from 'zod';
import { Actor, HumanText, Id } from '../primitives.js';
import { command } from '../slice-maps.js';
import { InputLimits } from '../limits.js';

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

export const CourseCode = HumanText(InputLimits.courseCode);
export const CourseTitle = HumanText(InputLimits.courseTitle);
export const CourseTerm = HumanText(InputLimits.courseTerm);

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

export const CourseRpc = {
  identityCoursesOf: command('cc.identity.courses-of.v1', CoursesOfRequest).replies<CoursesOfReply>(),
  identityCourse: command('cc.identity.course.v1', CourseRequest).replies<CourseReply>(),
  identityRoster: command('cc.identity.roster.v1', CourseRequest).replies<RosterReply>(),
  identityCourseCreate: command('cc.identity.course-create.v1', CreateCourseRequest).replies<CourseView>(),
  identityCourseUpdate: command('cc.identity.course-update.v1', UpdateCourseRequest).replies<CourseView>(),
  identityCourseTeachersSet: command('cc.identity.course-teachers-set.v1', SetCourseTeachersRequest).replies<CourseView>(),
  identityCourseList: command('cc.identity.course-list.v1', ListCoursesRequest).replies<CourseListReply>(),
};
