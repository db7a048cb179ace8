import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, SystemClock } from '@classconnect/config';
import { createServiceDataSource, type ServiceDataSourceOptions } from '@classconnect/persistence';
import { INTEGRATION_CONFIG, type IntegrationConfig } from '../config.js';
import { IntegrationMigrations } from './migrations/index.js';

export const IntegrationSchema = 'integration';

export function integrationDataSourceOptions(databaseUrl: string): ServiceDataSourceOptions {
  return { url: databaseUrl, schema: IntegrationSchema, migrations: IntegrationMigrations };
}

class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** The config object, the clock and one Postgres pool for the whole process. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: IntegrationConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: INTEGRATION_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        {
          provide: DataSource,
          useFactory: async () => createServiceDataSource(integrationDataSourceOptions(config.DATABASE_URL)).initialize(),
        },
        DataSourceLifecycle,
      ],
      exports: [INTEGRATION_CONFIG, Clock, DataSource],
    };
  }
}
