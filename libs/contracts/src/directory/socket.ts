/**
 * The directory on the socket (apps/gateway/src/admin): who am I, and the administration of
 * accounts, courses, rooms, enrollments and roster imports. socket.ts joins these into the client
 * event maps. Event names are never renamed: a changed payload gets a new event name beside the
 * old one.
 */
import { z } from 'zod';
import { Email, EmptyRequest, Id } from '../primitives.js';
import type { ValueOf } from '../slice-maps.js';
import { CreateUserRequest, ListUsersRequest, UpdateUserRequest, type AccountView, type SetDisabledReply, type UserListReply, type UserSummary } from './accounts.js';
import {
  CreateCourseRequest,
  SetCourseTeachersRequest,
  UpdateCourseRequest,
  type CourseListReply,
  type CourseRosterReply,
  type CourseSummary,
  type CourseView,
  type EnrollmentChangeReply,
} from './courses.js';
import { RoomFields, type RoomDeletedReply, type RoomsReply, type RoomView } from './rooms.js';
import { RosterCsv, RosterImportOptions, type RosterImportReply } from './roster-import.js';

export const DirectoryClientEvents = {
  whoami: 'me:get',
  // People and courses administration
  userCreate: 'user:create',
  userList: 'user:list',
  userUpdate: 'user:update',
  userSetDisabled: 'user:set-disabled',
  courseCreate: 'course:create',
  courseUpdate: 'course:update',
  courseTeachersSet: 'course:teachers:set',
  courseList: 'course:list',
  // Rooms, enrollments and roster import
  roomCreate: 'room:create',
  roomUpdate: 'room:update',
  roomList: 'room:list',
  roomDelete: 'room:delete',
  enrollmentAdd: 'enrollment:add',
  enrollmentRemove: 'enrollment:remove',
  courseRoster: 'course:roster',
  rosterImport: 'roster:import',
} as const;

export const DirectoryClientPayloads = {
  [DirectoryClientEvents.whoami]: EmptyRequest,
  // People and courses administration
  [DirectoryClientEvents.userCreate]: CreateUserRequest.omit({ actor: true }),
  [DirectoryClientEvents.userList]: ListUsersRequest.omit({ actor: true }),
  [DirectoryClientEvents.userUpdate]: UpdateUserRequest.omit({ actor: true }),
  [DirectoryClientEvents.userSetDisabled]: z.object({ targetUserId: Id, disabled: z.boolean() }).strict(),
  [DirectoryClientEvents.courseCreate]: CreateCourseRequest.omit({ actor: true }),
  [DirectoryClientEvents.courseUpdate]: UpdateCourseRequest.omit({ actor: true }),
  [DirectoryClientEvents.courseTeachersSet]: SetCourseTeachersRequest.omit({ actor: true }),
  [DirectoryClientEvents.courseList]: EmptyRequest,
  // Rooms, enrollments and roster import
  [DirectoryClientEvents.roomCreate]: z
    .object({ name: RoomFields.name, building: RoomFields.building.optional(), latitude: RoomFields.latitude, longitude: RoomFields.longitude, defaultRadiusM: RoomFields.defaultRadiusM })
    .strict(),
  [DirectoryClientEvents.roomUpdate]: z
    .object({
      roomId: Id,
      name: RoomFields.name.optional(),
      building: RoomFields.building.nullable().optional(),
      latitude: RoomFields.latitude.optional(),
      longitude: RoomFields.longitude.optional(),
      defaultRadiusM: RoomFields.defaultRadiusM.optional(),
    })
    .strict(),
  [DirectoryClientEvents.roomList]: EmptyRequest,
  [DirectoryClientEvents.roomDelete]: z.object({ roomId: Id }).strict(),
  [DirectoryClientEvents.enrollmentAdd]: z.object({ courseId: Id, email: Email }).strict(),
  /** The student is the target, not the actor: hence `targetStudentId`. */
  [DirectoryClientEvents.enrollmentRemove]: z.object({ courseId: Id, targetStudentId: Id }).strict(),
  [DirectoryClientEvents.courseRoster]: z.object({ courseId: Id }).strict(),
  [DirectoryClientEvents.rosterImport]: RosterImportOptions.extend({ csv: RosterCsv }).strict(),
} as const satisfies Record<ValueOf<typeof DirectoryClientEvents>, z.ZodType>;

export interface DirectoryClientAcks {
  [DirectoryClientEvents.whoami]: { user: UserSummary; courses: CourseSummary[] };
  // People and courses administration
  [DirectoryClientEvents.userCreate]: AccountView;
  [DirectoryClientEvents.userList]: UserListReply;
  [DirectoryClientEvents.userUpdate]: AccountView;
  [DirectoryClientEvents.userSetDisabled]: SetDisabledReply;
  [DirectoryClientEvents.courseCreate]: CourseView;
  [DirectoryClientEvents.courseUpdate]: CourseView;
  [DirectoryClientEvents.courseTeachersSet]: CourseView;
  [DirectoryClientEvents.courseList]: CourseListReply;
  // Rooms, enrollments and roster import
  [DirectoryClientEvents.roomCreate]: RoomView;
  [DirectoryClientEvents.roomUpdate]: RoomView;
  [DirectoryClientEvents.roomList]: RoomsReply;
  [DirectoryClientEvents.roomDelete]: RoomDeletedReply;
  [DirectoryClientEvents.enrollmentAdd]: EnrollmentChangeReply;
  [DirectoryClientEvents.enrollmentRemove]: EnrollmentChangeReply;
  [DirectoryClientEvents.courseRoster]: CourseRosterReply;
  [DirectoryClientEvents.rosterImport]: RosterImportReply;
}
