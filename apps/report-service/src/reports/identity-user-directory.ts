import { Inject, Injectable } from '@nestjs/common';
import { Rpc, type UserSummary } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { UserDirectory } from './report.ports.js';

const ChunkSize = 1_000;

/** Looks people up in identity-service. Any failure propagates, so the caller retries later. */
@Injectable()
export class IdentityUserDirectory extends UserDirectory {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async users(userIds: string[]): Promise<UserSummary[]> {
    const found: UserSummary[] = [];
    for (let i = 0; i < userIds.length; i += ChunkSize) {
      const reply = await this.rpc.request(Rpc.identityUsers, { userIds: userIds.slice(i, i + ChunkSize) }, { timeoutMs: 10_000 });
      found.push(...reply.users);
    }
    return found;
  }

  async teachersOf(courseId: string): Promise<string[]> {
    const course = await this.rpc.request(Rpc.identityCourse, { courseId });
    return course.teacherIds;
  }
}
