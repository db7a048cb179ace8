import { Injectable } from '@nestjs/common';
import {
  Rpc,
  type CheckinContextReply,
  type CourseReply,
  type CourseSummary,
  type FenceDistanceReply,
  type RecordMarkReply,
  type RosterReply,
  type RoomView,
  type RpcRequest,
  type UserSummary,
} from '@classconnect/contracts';
import { RpcClient } from './rpc.js';

/** How one call goes out: the correlation id to carry, and how long to wait for the answer. */
export interface CallOptions {
  correlationId?: string;
  timeoutMs?: number;
}

/** identity-service asks for at most this many accounts per call (its request schema allows more; replies stay small). */
const UsersPerCall = 1_000;

/**
 * identity-service's commands as the other services call them. One client per service: every
 * internal caller goes through it, and a failure arrives as the DomainError identity replied with
 * (SERVICE_UNAVAILABLE when nobody answered).
 */
@Injectable()
export class IdentityClient {
  constructor(private readonly rpc: RpcClient) {}

  course(courseId: string, opts: CallOptions = {}): Promise<CourseReply> {
    return this.rpc.request(Rpc.identityCourse, { courseId }, opts);
  }

  /** The students enrolled in a course now. */
  async roster(courseId: string, opts: CallOptions = {}): Promise<RosterReply['students']> {
    return (await this.rpc.request(Rpc.identityRoster, { courseId }, opts)).students;
  }

  /** The courses a user teaches or attends now. */
  async coursesOf(userId: string, opts: CallOptions = {}): Promise<CourseSummary[]> {
    return (await this.rpc.request(Rpc.identityCoursesOf, { userId }, opts)).courses;
  }

  /** The accounts among `userIds` that exist, asked in chunks; an empty list asks nothing. */
  async users(userIds: readonly string[], opts: CallOptions = {}): Promise<UserSummary[]> {
    const found: UserSummary[] = [];
    for (let i = 0; i < userIds.length; i += UsersPerCall) {
      const { users } = await this.rpc.request(Rpc.identityUsers, { userIds: userIds.slice(i, i + UsersPerCall) }, opts);
      found.push(...users);
    }
    return found;
  }

  /** A room's place and default radius (ROOM_NOT_FOUND when there is none). */
  room(roomId: string, opts: CallOptions = {}): Promise<RoomView> {
    return this.rpc.request(Rpc.identityRoom, { roomId }, opts);
  }
}

/** session-service's internal commands, as verification-service calls them while deciding a check-in. */
@Injectable()
export class SessionClient {
  constructor(private readonly rpc: RpcClient) {}

  /** At the challenge: open? enrolled? already present? the fence. */
  /** `qr`: the rotating QR code given at checkin:begin, judged (and counted) by session-service now. */
  checkinContext(sessionId: string, studentId: string, opts: CallOptions & { qr?: string | undefined } = {}): Promise<CheckinContextReply> {
    const { qr, ...call } = opts;
    return this.rpc.request(Rpc.sessionCheckinContext, { sessionId, studentId, ...(qr !== undefined ? { qr } : {}) }, call);
  }

  /** At the verdict: the one call to session-service (the QR code, the session's conditions checked again, the mark). */
  recordMark(request: RpcRequest<typeof Rpc.sessionRecordMark>, opts: CallOptions = {}): Promise<RecordMarkReply> {
    return this.rpc.request(Rpc.sessionRecordMark, request, opts);
  }

  /** How far apart two sessions' fences are (for the overlapping-sessions flag). */
  fenceDistance(sessionId: string, otherSessionId: string, opts: CallOptions = {}): Promise<FenceDistanceReply> {
    return this.rpc.request(Rpc.sessionFenceDistance, { sessionId, otherSessionId }, opts);
  }
}
