import { Module, type DynamicModule } from '@nestjs/common';
import { QueueGroup } from '@classconnect/contracts';
import { MessagingModule } from '@classconnect/messaging';
import type { ReportConfig } from './config.js';
import { CoreModule } from './infrastructure/database.js';
import { HistoryModule } from './history/history.module.js';
import { ProjectionModule } from './projection/projection.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RecordsModule } from './records/records.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { PushModule } from './push/push.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

export const ServiceName = 'report-service';

@Module({})
export class AppModule {
  static forRoot(config: ReportConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        MessagingModule.forService(QueueGroup.report, config),
        ReportsModule,
        HistoryModule,
        ProjectionModule,
        RecordsModule,
        RetentionModule,
        PushModule,
        PrivacyModule,
      ],
    };
  }
}
