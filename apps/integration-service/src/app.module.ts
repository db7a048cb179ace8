import { Module, type DynamicModule } from '@nestjs/common';
import { QueueGroup } from '@classconnect/contracts';
import { MessagingModule } from '@classconnect/messaging';
import type { IntegrationConfig } from './config.js';
import { CoreModule } from './infrastructure/database.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

export { ServiceName } from './service-name.js';

@Module({})
export class AppModule {
  static forRoot(config: IntegrationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), MessagingModule.forService(QueueGroup.integration, config), WebhooksModule],
    };
  }
}
