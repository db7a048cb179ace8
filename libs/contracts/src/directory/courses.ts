/**
 * Courses (identity-service): the courses a person teaches or attends, a course's teachers and
 * roster, what an admin creates and changes. Students enrolled one at a time: enrollments.ts; many
 * at once: roster-import.ts.
 */
import { z } from 'zod';
import { Actor, HumanText, Id, TimeZone } from '../primitives.js';
import { command } from '../slice-maps.js';
import { InputLimits } from '../limits.js';
import { ExcusedPolicy } from '../warnings/events.js';

/**
 * A course's settings for its reports and exports: the time zone its times are written in (CSV and
 * XLSX), and what an excused session does to an attendance rate — `exclude` (the default: left
 * out, neither attended nor missed), `attended`, or `absent`.
 */
export interface CourseSettings {
  /** An IANA name; a new course takes the deployment's DEFAULT_TIME_ZONE. */
  timeZone: string;
  excusedPolicy: ExcusedPolicy;
}

export const CoursesOfRequest = z.object({ userId: Id }).strict();
export interface CourseSummary {
  id: string;
  code: string;
  title: string;
  /** The user's relation to the course. */
  relation: 'teacher' | 'student';
  /** Added later (absent from older services: UTC, exclude). */
  timeZone?: string;
  excusedPolicy?: ExcusedPolicy;
}
export interface CoursesOfReply {
  courses: CourseSummary[];
}

export const CourseRequest = z.object({ courseId: Id }).strict();
/** Settings added later: absent from older services (read as UTC and `exclude`). */
export interface CourseReply extends Partial<CourseSettings> {
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

export const CreateCourseRequest = z
  .object({ actor: Actor, code: CourseCode, title: CourseTitle, term: CourseTerm, timeZone: TimeZone.optional(), excusedPolicy: ExcusedPolicy.optional() })
  .strict();
export type CreateCourseRequest = z.infer<typeof CreateCourseRequest>;
export const UpdateCourseRequest = z
  .object({
    actor: Actor,
    courseId: Id,
    title: CourseTitle.optional(),
    term: CourseTerm.optional(),
    timeZone: TimeZone.optional(),
    excusedPolicy: ExcusedPolicy.optional(),
  })
  .strict();
export type UpdateCourseRequest = z.infer<typeof UpdateCourseRequest>;
export const SetCourseTeachersRequest = z.object({ actor: Actor, courseId: Id, teacherIds: z.array(Id).max(50) }).strict();
export type SetCourseTeachersRequest = z.infer<typeof SetCourseTeachersRequest>;
export const ListCoursesRequest = z.object({ actor: Actor }).strict();

export interface CourseView extends CourseSettings {
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
