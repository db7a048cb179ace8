import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { EvidenceStore, PostgresEvidenceStore } from './evidence-retention.repository.js';
import { EvidenceRetentionService } from './evidence-retention.service.js';

@Module({
  imports: [ReportsModule],
  providers: [{ provide: EvidenceStore, useClass: PostgresEvidenceStore }, EvidenceRetentionService],
})
export class RetentionModule {}
