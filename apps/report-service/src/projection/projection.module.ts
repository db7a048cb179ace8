import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { WarningsModule } from '../warnings/warnings.module.js';
import { ProjectionConsumer } from './projection.consumer.js';
import { ProjectionRepository } from './projection.repository.js';
import { ProjectionStore } from './projection-batch.js';
import { ProjectionService } from './projection.service.js';

@Module({
  imports: [ReportsModule, WarningsModule],
  providers: [{ provide: ProjectionStore, useClass: ProjectionRepository }, ProjectionService, ProjectionConsumer],
})
export class ProjectionModule {}
