import { Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '@classconnect/config';
import { QueueGroup } from '@classconnect/contracts';
import { MessagingModule } from '@classconnect/messaging';
import { CheckinModule } from './checkin/checkin.module.js';
import type { VerificationConfig } from './config.js';
import { InfrastructureModule } from './infrastructure/infrastructure.module.js';
import { PasskeysModule } from './passkeys/passkeys.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { PasskeySignInModule } from './sign-in/passkey-sign-in.module.js';

@Module({})
export class AppModule {
  static forRoot(config: VerificationConfig): DynamicModule {
    return {
      module: AppModule,
      // Global, so that every module gets the one clock.
      global: true,
      imports: [
        MessagingModule.forService(QueueGroup.verification, config),
        InfrastructureModule.forRoot(config),
        PasskeysModule,
        CheckinModule,
        // sign-in security
        PasskeySignInModule,
        // erasure and export of a person's data
        PrivacyModule,
      ],
      providers: [{ provide: Clock, useClass: SystemClock }],
      exports: [Clock],
    };
  }
}
