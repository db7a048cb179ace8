import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { EnrollmentsService } from './enrollments.service.js';
import { RosterImportService } from './roster-import.service.js';

@Injectable()
export class EnrollmentsRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(EnrollmentsService) private readonly enrollments: EnrollmentsService,
    @Inject(RosterImportService) private readonly imports: RosterImportService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.identityEnrollmentAdd, (req, ctx) => this.enrollments.add(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityEnrollmentRemove, (req, ctx) => this.enrollments.remove(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityCourseRoster, (req) => this.enrollments.roster(req));
    this.rpc.handle(Rpc.identityRosterImport, (req, ctx) => this.imports.import(req, ctx.correlationId));
  }
}
