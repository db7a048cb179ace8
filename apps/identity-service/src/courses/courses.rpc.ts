import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { CoursesService } from './courses.service.js';

@Injectable()
export class CoursesRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(CoursesService) private readonly courses: CoursesService,
  ) {}

  onApplicationBootstrap(): void {
    // Other services: a user's courses, a course's teachers, its roster.
    this.rpc.handle(Rpc.identityCoursesOf, (req) => this.courses.coursesOf(req.userId));
    this.rpc.handle(Rpc.identityCourse, (req) => this.courses.course(req.courseId));
    this.rpc.handle(Rpc.identityRoster, (req) => this.courses.roster(req.courseId));
    // The catalogue, for administrators and each role's list.
    this.rpc.handle(Rpc.identityCourseCreate, (req, ctx) => this.courses.create(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseUpdate, (req, ctx) => this.courses.update(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseTeachersSet, (req, ctx) => this.courses.setTeachers(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseList, (req) => this.courses.list(req.actor));
  }
}
