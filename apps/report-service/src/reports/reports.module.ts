import { Module } from '@nestjs/common';
import { IdentityUserDirectory } from './identity-user-directory.js';
import { ReportQueryService } from './report-query.service.js';
import { ReportReadyPublisher } from './report-ready.publisher.js';
import { Clock, ReadyPublisher, ReportStore, SystemClock, UserDirectory } from './report.ports.js';
import { ReportRpc } from './report.rpc.js';
import { ReportService } from './report.service.js';
import { ReportsRepository } from './reports.repository.js';

@Module({
  providers: [
    { provide: ReportStore, useClass: ReportsRepository },
    { provide: UserDirectory, useClass: IdentityUserDirectory },
    { provide: ReadyPublisher, useClass: ReportReadyPublisher },
    { provide: Clock, useClass: SystemClock },
    ReportService,
    ReportQueryService,
    ReportRpc,
  ],
  exports: [ReportService, Clock],
})
export class ReportsModule {}
