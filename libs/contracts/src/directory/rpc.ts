/**
 * The directory's commands (identity-service, request/reply on NATS core): accounts, courses,
 * enrollments, rooms and roster import, each declared beside its messages, one file per noun.
 * A published subject is never renamed: a new version is added beside it.
 */
import { join } from '../slice-maps.js';
import { AccountRpc } from './accounts.js';
import { CourseRpc } from './courses.js';
import { EnrollmentRpc } from './enrollments.js';
import { RoomRpc } from './rooms.js';
import { RosterImportRpc } from './roster-import.js';

export const DirectoryRpc = join([AccountRpc, CourseRpc, EnrollmentRpc, RoomRpc, RosterImportRpc]);
