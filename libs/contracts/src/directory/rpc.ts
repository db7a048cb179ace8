/**
 * The directory's commands (identity-service, request/reply on NATS core): accounts, courses,
 * enrollments, rooms and roster import. The messages live beside this file, one file per noun.
 * A published subject is never renamed: a new version is added beside it.
 */
import type { z } from 'zod';
import { ActorRequest } from '../primitives.js';
import type { ValueOf } from '../slice-maps.js';
import { CreateUserRequest, ListUsersRequest, SetDisabledRequest, UpdateUserRequest, UsersRequest, type AccountView, type SetDisabledReply, type UserListReply, type UsersReply } from './accounts.js';
import {
  AddEnrollmentRequest,
  CourseRequest,
  CourseRosterRequest,
  CoursesOfRequest,
  CreateCourseRequest,
  ListCoursesRequest,
  RemoveEnrollmentRequest,
  SetCourseTeachersRequest,
  UpdateCourseRequest,
  type CourseListReply,
  type CourseReply,
  type CourseRosterReply,
  type CoursesOfReply,
  type CourseView,
  type EnrollmentChangeReply,
  type RosterReply,
} from './courses.js';
import { CreateRoomRequest, RoomLookupRequest, RoomRefRequest, UpdateRoomRequest, type RoomDeletedReply, type RoomsReply, type RoomView } from './rooms.js';
import { RosterImportRequest, type RosterImportReply } from './roster-import.js';

export const DirectoryRpc = {
  identityCoursesOf: 'cc.identity.courses-of.v1',
  identityCourse: 'cc.identity.course.v1',
  identityRoster: 'cc.identity.roster.v1',
  identityUsers: 'cc.identity.users.v1',
  // People and courses administration
  identityUserCreate: 'cc.identity.user-create.v1',
  identityUserList: 'cc.identity.user-list.v1',
  identityUserUpdate: 'cc.identity.user-update.v1',
  identitySetDisabled: 'cc.identity.set-disabled.v1',
  identityCourseCreate: 'cc.identity.course-create.v1',
  identityCourseUpdate: 'cc.identity.course-update.v1',
  identityCourseTeachersSet: 'cc.identity.course-teachers-set.v1',
  identityCourseList: 'cc.identity.course-list.v1',
  // Rooms, enrollments and roster import
  identityRoomCreate: 'cc.identity.room-create.v1',
  identityRoomUpdate: 'cc.identity.room-update.v1',
  identityRoomDelete: 'cc.identity.room-delete.v1',
  identityRooms: 'cc.identity.rooms.v1',
  /** Internal (session → identity): one room's place, to start a session from it. */
  identityRoom: 'cc.identity.room.v1',
  identityEnrollmentAdd: 'cc.identity.enrollment-add.v1',
  identityEnrollmentRemove: 'cc.identity.enrollment-remove.v1',
  identityCourseRoster: 'cc.identity.course-roster.v1',
  identityRosterImport: 'cc.identity.roster-import.v1',
} as const;

/** For each command: the schema its request is validated with, and the type of its reply. */
export const DirectoryRpcRequests = {
  [DirectoryRpc.identityCoursesOf]: CoursesOfRequest,
  [DirectoryRpc.identityCourse]: CourseRequest,
  [DirectoryRpc.identityRoster]: CourseRequest,
  [DirectoryRpc.identityUsers]: UsersRequest,
  [DirectoryRpc.identityUserCreate]: CreateUserRequest,
  [DirectoryRpc.identityUserList]: ListUsersRequest,
  [DirectoryRpc.identityUserUpdate]: UpdateUserRequest,
  [DirectoryRpc.identitySetDisabled]: SetDisabledRequest,
  [DirectoryRpc.identityCourseCreate]: CreateCourseRequest,
  [DirectoryRpc.identityCourseUpdate]: UpdateCourseRequest,
  [DirectoryRpc.identityCourseTeachersSet]: SetCourseTeachersRequest,
  [DirectoryRpc.identityCourseList]: ListCoursesRequest,
  [DirectoryRpc.identityRoomCreate]: CreateRoomRequest,
  [DirectoryRpc.identityRoomUpdate]: UpdateRoomRequest,
  [DirectoryRpc.identityRoomDelete]: RoomRefRequest,
  [DirectoryRpc.identityRooms]: ActorRequest,
  [DirectoryRpc.identityRoom]: RoomLookupRequest,
  [DirectoryRpc.identityEnrollmentAdd]: AddEnrollmentRequest,
  [DirectoryRpc.identityEnrollmentRemove]: RemoveEnrollmentRequest,
  [DirectoryRpc.identityCourseRoster]: CourseRosterRequest,
  [DirectoryRpc.identityRosterImport]: RosterImportRequest,
} as const satisfies Record<ValueOf<typeof DirectoryRpc>, z.ZodType>;

export interface DirectoryRpcReplies {
  [DirectoryRpc.identityCoursesOf]: CoursesOfReply;
  [DirectoryRpc.identityCourse]: CourseReply;
  [DirectoryRpc.identityRoster]: RosterReply;
  [DirectoryRpc.identityUsers]: UsersReply;
  [DirectoryRpc.identityUserCreate]: AccountView;
  [DirectoryRpc.identityUserList]: UserListReply;
  [DirectoryRpc.identityUserUpdate]: AccountView;
  [DirectoryRpc.identitySetDisabled]: SetDisabledReply;
  [DirectoryRpc.identityCourseCreate]: CourseView;
  [DirectoryRpc.identityCourseUpdate]: CourseView;
  [DirectoryRpc.identityCourseTeachersSet]: CourseView;
  [DirectoryRpc.identityCourseList]: CourseListReply;
  [DirectoryRpc.identityRoomCreate]: RoomView;
  [DirectoryRpc.identityRoomUpdate]: RoomView;
  [DirectoryRpc.identityRoomDelete]: RoomDeletedReply;
  [DirectoryRpc.identityRooms]: RoomsReply;
  [DirectoryRpc.identityRoom]: RoomView;
  [DirectoryRpc.identityEnrollmentAdd]: EnrollmentChangeReply;
  [DirectoryRpc.identityEnrollmentRemove]: EnrollmentChangeReply;
  [DirectoryRpc.identityCourseRoster]: CourseRosterReply;
  [DirectoryRpc.identityRosterImport]: RosterImportReply;
}
