/**
 * Directory facts, on the stream DIRECTORY (identity-service publishes them): accounts, courses and
 * enrollments changed. events.ts joins them into EventSubjects and EventSchemas. A published type
 * is never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';
import { ExcusedPolicy } from '../warnings/events.js';

export const EnrollmentChangedV1 = z.object({
  courseId: Id,
  studentId: Id,
  change: z.enum(['added', 'removed']),
  /** How it happened: one change by hand, or a line of a roster import. */
  via: z.enum(['manual', 'import']),
  /** Who made the change (an admin or one of the course's teachers). */
  changedBy: Id,
  changedAt: IsoTime,
});

export const AccountStatusChangedV1 = z.object({
  userId: Id,
  disabled: z.boolean(),
  changedBy: Id,
  changedAt: IsoTime,
});

// People and courses administration
export const AccountCreatedV1 = z.object({
  userId: Id,
  email: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'teacher', 'student']),
  /** False when the account signs in with single sign-on or a passkey only. */
  hasPassword: z.boolean(),
  changedBy: Id,
  changedAt: IsoTime,
});

export const AccountUpdatedV1 = z.object({
  userId: Id,
  /** The new values of what changed; `passwordChanged` says a new password was set (never the password). */
  changes: z.object({
    name: z.string().optional(),
    role: z.enum(['admin', 'teacher', 'student']).optional(),
    passwordChanged: z.literal(true).optional(),
  }),
  changedBy: Id,
  changedAt: IsoTime,
});

export const CourseChangedV1 = z.object({
  courseId: Id,
  change: z.enum(['created', 'updated', 'teachers-set']),
  /** The course as it is after the change. */
  code: z.string(),
  title: z.string(),
  term: z.string().nullable(),
  teacherIds: z.array(Id),
  /** Added later (absent from earlier events): the zone the course's exports write times in, an IANA name. */
  timeZone: z.string().optional(),
  /** Added later (absent from earlier events): what an excused session does to an attendance rate. */
  excusedPolicy: ExcusedPolicy.optional(),
  changedBy: Id,
  changedAt: IsoTime,
});

export const AccountErasedV1 = z.object({
  /** The erased account: from now on this id names nobody. Downstream systems erase what they hold about it. */
  userId: Id,
  /** What happens to the person's attendance: kept under this id for the course's counts and rates, or removed (a deployment setting, ERASURE_ATTENDANCE). */
  attendance: z.enum(['pseudonymised', 'removed']),
  erasedBy: Id,
  erasedAt: IsoTime,
});

export const DirectoryStreamEvents = {
  /** A student joined or left a course (by hand, by a roster import, or by an admin). */
  enrollmentChanged: streamEvent('directory.enrollment.changed.v1', EnrollmentChangedV1),
  /** An account was disabled or enabled again. A disabled account's sockets are ended at once. */
  accountStatusChanged: streamEvent('directory.account.status-changed.v1', AccountStatusChangedV1),
  // People and courses administration
  /** An admin created an account. */
  accountCreated: streamEvent('directory.account.created.v1', AccountCreatedV1),
  /** An admin changed an account's name, role or password. */
  accountUpdated: streamEvent('directory.account.updated.v1', AccountUpdatedV1),
  /** An admin created a course, changed its title, term, time zone or excused policy, or set its teachers. */
  courseChanged: streamEvent('directory.course.changed.v1', CourseChangedV1),
  /**
   * An admin erased a person (GDPR Art. 17): name, email, passkeys, devices, sign-ins and push
   * subscriptions are gone, and the earlier account events naming them have been erased from the
   * DIRECTORY stream. Every service (and every subscriber) erases its own copy when it gets this.
   */
  accountErased: streamEvent('directory.account.erased.v1', AccountErasedV1),
};
