import { Module } from '@nestjs/common';
import { EvidenceStore, PostgresEvidenceStore } from './evidence-retention.repository.js';
import { EvidenceRetentionService } from './evidence-retention.service.js';

@Module({
  providers: [{ provide: EvidenceStore, useClass: PostgresEvidenceStore }, EvidenceRetentionService],
})
export class RetentionModule {}
