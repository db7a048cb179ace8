import { Inject, Injectable } from '@nestjs/common';
import { Rpc, type CourseReply, type CourseSummary, type RosterReply } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { CourseDirectory } from './history.ports.js';

/** Asks identity-service about courses. Any failure propagates to the caller's ack. */
@Injectable()
export class IdentityCourseDirectory extends CourseDirectory {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  course(courseId: string): Promise<CourseReply> {
    return this.rpc.request(Rpc.identityCourse, { courseId });
  }

  async roster(courseId: string): Promise<RosterReply['students']> {
    return (await this.rpc.request(Rpc.identityRoster, { courseId }, { timeoutMs: 10_000 })).students;
  }

  async coursesOf(userId: string): Promise<CourseSummary[]> {
    return (await this.rpc.request(Rpc.identityCoursesOf, { userId })).courses;
  }
}
