import { Injectable } from '@nestjs/common';
import { Rpc, type CourseSummary, type RosterReply, type UserSummary } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

/** Who teaches and attends which course, from identity-service. Throws when it cannot answer. */
export abstract class CourseDirectory {
  /** The courses a user teaches or attends now. */
  abstract coursesOf(userId: string, correlationId?: string): Promise<CourseSummary[]>;
  /** The students enrolled in a course now. */
  abstract roster(courseId: string, correlationId?: string): Promise<RosterReply['students']>;
  abstract users(userIds: string[], correlationId?: string): Promise<UserSummary[]>;
}

@Injectable()
export class NatsCourseDirectory extends CourseDirectory {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  async coursesOf(userId: string, correlationId?: string): Promise<CourseSummary[]> {
    const { courses } = await this.rpc.request(Rpc.identityCoursesOf, { userId }, correlationId ? { correlationId } : {});
    return courses;
  }

  async roster(courseId: string, correlationId?: string): Promise<RosterReply['students']> {
    const { students } = await this.rpc.request(Rpc.identityRoster, { courseId }, correlationId ? { correlationId } : {});
    return students;
  }

  async users(userIds: string[], correlationId?: string): Promise<UserSummary[]> {
    if (userIds.length === 0) return [];
    const { users } = await this.rpc.request(Rpc.identityUsers, { userIds }, correlationId ? { correlationId } : {});
    return users;
  }
}
