/**
 * Enrollments (identity-service): students enrolled in a course or removed one at a time, and a
 * course's roster for its teachers and admins. Many at once: roster-import.ts.
 */
import { z } from 'zod';
import { Actor, Email, Id } from '../primitives.js';
import { command } from '../slice-maps.js';
import type { RosterReply } from './courses.js';

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

export const EnrollmentRpc = {
  identityEnrollmentAdd: command('cc.identity.enrollment-add.v1', AddEnrollmentRequest).replies<EnrollmentChangeReply>(),
  identityEnrollmentRemove: command('cc.identity.enrollment-remove.v1', RemoveEnrollmentRequest).replies<EnrollmentChangeReply>(),
  identityCourseRoster: command('cc.identity.course-roster.v1', CourseRosterRequest).replies<CourseRosterReply>(),
};
