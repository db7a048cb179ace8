import { Module } from '@nestjs/common';
import { AccountDirectory, NatsAccountDirectory } from './account-directory.js';
import { CredentialRepository, PostgresCredentialRepository } from './credential.repository.js';
import { PasskeysRpc } from './passkeys.rpc.js';
import { PasskeysService } from './passkeys.service.js';
import { RedisRegistrationChallengeRepository, RegistrationChallengeRepository } from './registration-challenge.repository.js';

/** Registered passkeys. Exports the credential store, which check-in verification reads. */
@Module({
  providers: [
    { provide: CredentialRepository, useClass: PostgresCredentialRepository },
    { provide: RegistrationChallengeRepository, useClass: RedisRegistrationChallengeRepository },
    { provide: AccountDirectory, useClass: NatsAccountDirectory },
    PasskeysService,
    PasskeysRpc,
  ],
  exports: [CredentialRepository],
})
export class PasskeysModule {}
