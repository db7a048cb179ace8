import { Inject, Injectable } from '@nestjs/common';
import { Rpc, type CourseReply, type CourseSummary, type RosterReply, type RoomView } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

/** What session-service needs to know from identity-service. Failures arrive as DomainErrors. */
export interface IdentityPort {
  course(courseId: string, correlationId?: string): Promise<CourseReply>;
  roster(courseId: string, correlationId?: string): Promise<RosterReply>;
  coursesOf(userId: string, correlationId?: string): Promise<CourseSummary[]>;
  /** A room's place and default radius (ROOM_NOT_FOUND when there is none). */
  room(roomId: string, correlationId?: string): Promise<RoomView>;
  /** A student's name, for the live roster (null when there is no such account). */
  userName(userId: string, correlationId?: string): Promise<string | null>;
}

export const IDENTITY_PORT = Symbol('IDENTITY_PORT');

/** Asks identity-service over NATS request/reply. */
@Injectable()
export class NatsIdentityPort implements IdentityPort {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  course(courseId: string, correlationId?: string): Promise<CourseReply> {
    return this.rpc.request(Rpc.identityCourse, { courseId }, { correlationId });
  }

  roster(courseId: string, correlationId?: string): Promise<RosterReply> {
    return this.rpc.request(Rpc.identityRoster, { courseId }, { correlationId });
  }

  async coursesOf(userId: string, correlationId?: string): Promise<CourseSummary[]> {
    return (await this.rpc.request(Rpc.identityCoursesOf, { userId }, { correlationId })).courses;
  }

  room(roomId: string, correlationId?: string): Promise<RoomView> {
    return this.rpc.request(Rpc.identityRoom, { roomId }, { correlationId });
  }

  async userName(userId: string, correlationId?: string): Promise<string | null> {
    const { users } = await this.rpc.request(Rpc.identityUsers, { userIds: [userId] }, { correlationId });
    return users[0]?.name ?? null;
  }
}
