import { Module, type DynamicModule } from '@nestjs/common';
import { QueueGroup } from '@classconnect/contracts';
import { MessagingModule } from '@classconnect/messaging';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuditModule } from './audit/audit.module.js';
import type { IdentityConfig } from './config.js';
import { CoursesModule } from './courses/courses.module.js';
import { DatabaseModule } from './infrastructure/database.module.js';
import { RepositoriesModule } from './infrastructure/repositories.module.js';
import { EnrollmentsModule } from './enrollments/enrollments.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { SignInModule } from './sign-in/sign-in.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

@Module({})
export class AppModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MessagingModule.forService(QueueGroup.identity, config),
        DatabaseModule.forRoot(config.DATABASE_URL),
        RepositoriesModule,
        AccountsModule,
        SignInModule.forRoot(config),
        CoursesModule.forRoot(config),
        EnrollmentsModule,
        RoomsModule,
        AuditModule,
        PrivacyModule.forRoot(config),
      ],
    };
  }
}
