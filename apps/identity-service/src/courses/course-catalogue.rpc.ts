import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { CourseCatalogueService } from './course-catalogue.service.js';

@Injectable()
export class CourseCatalogueRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly catalogue: CourseCatalogueService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityCourseCreate, (req, ctx) => this.catalogue.create(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseUpdate, (req, ctx) => this.catalogue.update(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseTeachersSet, (req, ctx) => this.catalogue.setTeachers(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseList, (req) => this.catalogue.list(req.actor));
  }
}
