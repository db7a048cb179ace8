/**
 * The directory on the socket (apps/gateway/src/realtime/relay-table.ts): who am I, and the administration of
 * accounts, courses, rooms, enrollments and roster imports. socket.ts joins these into the client
 * event maps. Event names are never renamed: a changed payload gets a new event name beside the
 * old one.
 */
import { z } from 'zod';
import { Email, EmptyRequest, Id } from '../primitives.js';
import { clientEvent } from '../slice-maps.js';
import { CreateUserRequest, ListUsersRequest, UpdateUserRequest, type AccountView, type SetDisabledReply, type UserListReply, type UserSummary } from './accounts.js';
import { CreateCourseRequest, SetCourseTeachersRequest, UpdateCourseRequest, type CourseListReply, type CourseSummary, type CourseView } from './courses.js';
import type { CourseRosterReply, EnrollmentChangeReply } from './enrollments.js';
import { RoomFields, UpdateRoomRequest, type RoomDeletedReply, type RoomsReply, type RoomView } from './rooms.js';
import { RosterCsv, RosterImportOptions, type RosterImportReply } from './roster-import.js';

export const DirectoryClientEvents = {
  whoami: clientEvent('me:get', EmptyRequest).acks<{ user: UserSummary; courses: CourseSummary[] }>(),
  // People and courses administration
  userCreate: clientEvent('user:create', CreateUserRequest.omit({ actor: true })).acks<AccountView>(),
  userList: clientEvent('user:list', ListUsersRequest.omit({ actor: true })).acks<UserListReply>(),
  userUpdate: clientEvent('user:update', UpdateUserRequest.omit({ actor: true })).acks<AccountView>(),
  userSetDisabled: clientEvent('user:set-disabled', z.object({ targetUserId: Id, disabled: z.boolean() }).strict()).acks<SetDisabledReply>(),
  courseCreate: clientEvent('course:create', CreateCourseRequest.omit({ actor: true })).acks<CourseView>(),
  courseUpdate: clientEvent('course:update', UpdateCourseRequest.omit({ actor: true })).acks<CourseView>(),
  courseTeachersSet: clientEvent('course:teachers:set', SetCourseTeachersRequest.omit({ actor: true })).acks<CourseView>(),
  courseList: clientEvent('course:list', EmptyRequest).acks<CourseListReply>(),
  // Rooms, enrollments and roster import
  roomCreate: clientEvent(
    'room:create',
    z
      .object({ name: RoomFields.name, building: RoomFields.building.optional(), latitude: RoomFields.latitude, longitude: RoomFields.longitude, defaultRadiusM: RoomFields.defaultRadiusM })
      .strict(),
  ).acks<RoomView>(),
  roomUpdate: clientEvent(
    'room:update',
    UpdateRoomRequest.omit({ actor: true }),
  ).acks<RoomView>(),
  roomList: clientEvent('room:list', EmptyRequest).acks<RoomsReply>(),
  roomDelete: clientEvent('room:delete', z.object({ roomId: Id }).strict()).acks<RoomDeletedReply>(),
  enrollmentAdd: clientEvent('enrollment:add', z.object({ courseId: Id, email: Email }).strict()).acks<EnrollmentChangeReply>(),
  /** The student is the target, not the actor: hence `targetStudentId`. */
  enrollmentRemove: clientEvent('enrollment:remove', z.object({ courseId: Id, targetStudentId: Id }).strict()).acks<EnrollmentChangeReply>(),
  courseRoster: clientEvent('course:roster', z.object({ courseId: Id }).strict()).acks<CourseRosterReply>(),
  rosterImport: clientEvent('roster:import', RosterImportOptions.extend({ csv: RosterCsv }).strict()).acks<RosterImportReply>(),
};
