import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { CoursesService } from './courses.service.js';

@Injectable()
export class CoursesRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly courses: CoursesService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityCoursesOf, (req) => this.courses.coursesOf(req.userId));
    this.rpc.handle(Rpc.identityCourse, (req) => this.courses.course(req.courseId));
    this.rpc.handle(Rpc.identityRoster, (req) => this.courses.roster(req.courseId));
  }
}
