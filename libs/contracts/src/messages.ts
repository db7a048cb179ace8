/**
 * Request/reply messages between the gateway and the services (NATS core, queue groups).
 * Every request carries the actor the gateway authenticated; services check permissions again.
 */
import { z } from 'zod';
import { Actor, Id, IsoTime, Position, RadiusM, Role } from './primitives.js';
import { AuthenticationResponse, RegistrationResponse, type AuthenticationOptions, type RegistrationOptions } from './webauthn.js';

// ---------- identity-service ----------
export const SignInRequest = z
  .object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(1).max(1_024) })
  .strict();
export type SignInRequest = z.infer<typeof SignInRequest>;
export const UserSummary = z.object({ id: Id, email: z.string(), name: z.string(), role: Role });
export type UserSummary = z.infer<typeof UserSummary>;
export interface SignInReply {
  accessToken: string;
  expiresAt: string;
  user: UserSummary;
}

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

export const UsersRequest = z.object({ userIds: z.array(Id).max(10_000) }).strict();
export interface UsersReply {
  users: UserSummary[];
}

// ---------- session-service ----------
export const StartSessionRequest = z
  .object({
    actor: Actor,
    courseId: Id,
    /** The fence's centre: the teacher's device position. */
    position: Position,
    radiusM: RadiusM.default(100),
  })
  .strict();
export type StartSessionRequest = z.infer<typeof StartSessionRequest>;

/** What anyone in the course may see of a session: never the fence's centre. */
export interface SessionView {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  teacherId: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  radiusM: number;
  enrolledCount: number;
  presentCount: number;
}

export const SessionRefRequest = z.object({ actor: Actor, sessionId: Id }).strict();
export type SessionRefRequest = z.infer<typeof SessionRefRequest>;

export const ActiveSessionsRequest = z.object({ actor: Actor }).strict();
export interface ActiveSessionsReply {
  sessions: SessionView[];
}

/** The live roster, for the session's teacher. */
export interface RosterEntry {
  studentId: string;
  name: string;
  state: 'present' | 'absent';
  markedAt?: string;
  distanceM?: number;
}
export interface SessionDetailReply extends SessionView {
  roster?: RosterEntry[];
}

/** Internal: what verification needs to decide a check-in. Never exposed through the gateway. */
export const CheckinContextRequest = z.object({ sessionId: Id, studentId: Id }).strict();
export interface CheckinContextReply {
  sessionId: string;
  courseId: string;
  status: 'open' | 'closed';
  enrolled: boolean;
  alreadyPresent: boolean;
  fence: { latitude: number; longitude: number; radiusM: number };
}

/** Internal: record a verified student as present. Idempotent on (sessionId, studentId). */
export const RecordMarkRequest = z
  .object({
    sessionId: Id,
    studentId: Id,
    submissionId: z.string().min(1).max(128),
    distanceM: z.number().finite().min(0),
    accuracyM: z.number().finite().min(0),
    methods: z.array(z.enum(['passkey', 'geofence', 'qr'])).min(1),
    verifiedAt: IsoTime,
  })
  .strict();
export type RecordMarkRequest = z.infer<typeof RecordMarkRequest>;
export interface RecordMarkReply {
  /** true when this submission is the one that marked the student (also on a retry of it). */
  recorded: boolean;
  /** When recorded is false: the student was already marked by another submission. */
  alreadyPresent: boolean;
}

// ---------- verification-service ----------
export const ActorRequest = z.object({ actor: Actor }).strict();
export type ActorRequest = z.infer<typeof ActorRequest>;
export type RegistrationOptionsReply = RegistrationOptions;
export const VerifyRegistrationRequest = z
  .object({ actor: Actor, response: RegistrationResponse, deviceName: z.string().trim().min(1).max(64).optional() })
  .strict();
export type VerifyRegistrationRequest = z.infer<typeof VerifyRegistrationRequest>;
export interface VerifyRegistrationReply {
  credentialId: string;
  deviceName: string;
  createdAt: string;
}
export interface PasskeysReply {
  passkeys: { credentialId: string; deviceName: string; createdAt: string; lastUsedAt?: string }[];
}

export const IssueChallengeRequest = z.object({ actor: Actor, sessionId: Id }).strict();
export type IssueChallengeRequest = z.infer<typeof IssueChallengeRequest>;
export interface IssueChallengeReply {
  sessionId: string;
  options: AuthenticationOptions;
  expiresAt: string;
}

/**
 * A check-in as the gateway durably submits it (JetStream work queue CHECKIN_INTAKE).
 * It holds the raw position, so it lives only until verification has decided.
 */
export const CheckinSubmission = z
  .object({
    submissionId: z.string().min(1).max(128),
    sessionId: Id,
    studentId: Id,
    assertion: AuthenticationResponse,
    position: Position,
    submittedAt: IsoTime,
    connectionId: z.string().max(128).optional(),
  })
  .strict();
export type CheckinSubmission = z.infer<typeof CheckinSubmission>;

// ---------- report-service ----------
export interface ReportRow {
  studentId: string;
  name: string;
  email: string;
  status: 'present' | 'absent';
  checkedInAt?: string;
  distanceM?: number;
  accuracyM?: number;
  methods?: string[];
  /** The last rejection's reason, for students who tried and were refused. */
  lastRejection?: string;
}
export interface ReportReply {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  openedAt: string;
  closedAt: string;
  presentCount: number;
  absentCount: number;
  rows: ReportRow[];
}
