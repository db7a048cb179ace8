import { Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '@classconnect/config';
import type { IdentityConfig } from '../config.js';
import { SignInEvents, StreamSignInEvents } from '../sign-in/revocation.publisher.js';
import { ErasureStore, PostgresErasureStore } from './erasure.repository.js';
import { AccountRetentionSweep, ERASURE_OPTIONS, ErasureService, type ErasureOptions } from './erasure.service.js';
import { IdentityPersonDataService } from './person-data.js';
import { PrivacyRpc } from './privacy.rpc.js';
import { StreamScrubber } from './stream-scrubber.js';

/** A person's data: erasure (by an admin, or by the account retention sweep), erasure from the streams, and export. */
@Module({})
export class PrivacyModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    const options: ErasureOptions = {
      attendance: config.ERASURE_ATTENDANCE,
      retentionDays: config.ACCOUNT_RETENTION_DAYS,
      sweepEverySeconds: config.ACCOUNT_RETENTION_SWEEP_SECONDS,
    };
    return {
      module: PrivacyModule,
      providers: [
        { provide: ERASURE_OPTIONS, useValue: options },
        { provide: Clock, useClass: SystemClock },
        { provide: ErasureStore, useClass: PostgresErasureStore },
        { provide: SignInEvents, useClass: StreamSignInEvents },
        ErasureService,
        AccountRetentionSweep,
        IdentityPersonDataService,
        StreamScrubber,
        PrivacyRpc,
      ],
    };
  }
}
