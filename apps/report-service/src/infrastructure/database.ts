import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, SystemClock } from '@classconnect/config';
import { createServiceDataSource, type ServiceDataSourceOptions } from '@classconnect/persistence';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { ReportMigrations } from './migrations/index.js';

export const ReportSchema = 'report';

export function reportDataSourceOptions(databaseUrl: string): ServiceDataSourceOptions {
  return { url: databaseUrl, schema: ReportSchema, migrations: ReportMigrations };
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
  static forRoot(config: ReportConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: REPORT_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        {
          provide: DataSource,
          useFactory: async () => createServiceDataSource(reportDataSourceOptions(config.DATABASE_URL)).initialize(),
        },
        DataSourceLifecycle,
      ],
      exports: [REPORT_CONFIG, Clock, DataSource],
    };
  }
}
