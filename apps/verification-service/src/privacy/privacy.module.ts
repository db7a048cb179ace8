import { Module } from '@nestjs/common';
import { PasskeysModule } from '../passkeys/passkeys.module.js';
import { AccountErasedConsumer } from './account-erased.consumer.js';
import { PersonKeys, PersonRecords, PostgresPersonRecords, RedisPersonKeys } from './privacy.repository.js';
import { PrivacyRpc } from './privacy.rpc.js';
import { VerificationPrivacyService } from './privacy.service.js';

/** A person's data here: exported on request, erased when identity-service erased the account. */
@Module({
  imports: [PasskeysModule],
  providers: [
    { provide: PersonRecords, useClass: PostgresPersonRecords },
    { provide: PersonKeys, useClass: RedisPersonKeys },
    VerificationPrivacyService,
    PrivacyRpc,
    AccountErasedConsumer,
  ],
})
export class PrivacyModule {}
