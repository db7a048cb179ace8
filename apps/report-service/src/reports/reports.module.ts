import { Module } from '@nestjs/common';
import { ReportQueryService } from './report-query.service.js';
import { ReportReadyPublisher } from './report-ready.publisher.js';
import { ReadyPublisher, ReportStore } from './report.ports.js';
import { ReportRpc } from './report.rpc.js';
import { ReportService } from './report.service.js';
import { ReportsRepository } from './reports.repository.js';

@Module({
  providers: [
    { provide: ReportStore, useClass: ReportsRepository },
    { provide: ReadyPublisher, useClass: ReportReadyPublisher },
    ReportService,
    ReportQueryService,
    ReportRpc,
  ],
  exports: [ReportService],
})
export class ReportsModule {}
