import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { PostgresStudentRecordsStore, StudentRecordsStore } from './my-records.repository.js';
import { MyRecordsService } from './my-records.service.js';
import { RecordsRpc } from './records.rpc.js';

@Module({
  imports: [ReportsModule],
  providers: [{ provide: StudentRecordsStore, useClass: PostgresStudentRecordsStore }, MyRecordsService, RecordsRpc],
})
export class RecordsModule {}
