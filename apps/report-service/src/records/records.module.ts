import { Module } from '@nestjs/common';
import { PostgresStudentRecordsStore, StudentRecordsStore } from './my-records.repository.js';
import { MyRecordsService } from './my-records.service.js';
import { RecordsRpc } from './records.rpc.js';

@Module({
  providers: [{ provide: StudentRecordsStore, useClass: PostgresStudentRecordsStore }, MyRecordsService, RecordsRpc],
})
export class RecordsModule {}
