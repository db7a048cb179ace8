import { Module } from '@nestjs/common';
import { CredentialCache, CredentialChangeBus, NatsCredentialChangeBus } from './credential-cache.js';
import { CachingCredentialRepository, CredentialRepository, PostgresCredentialRepository } from './credential.repository.js';
import { DeviceApprovalService } from './device-approval.service.js';
import { DeviceEvents, JetStreamDeviceEvents } from './device.events.js';
import { PasskeysRpc } from './passkeys.rpc.js';
import { PasskeysService } from './passkeys.service.js';
import { RedisRegistrationChallengeRepository, RegistrationChallengeRepository } from './registration-challenge.repository.js';

/**
 * Registered passkeys. Exports the credential store, which check-in verification reads, and the
 * instance's memory of passkeys, which an erasure clears.
 */
@Module({
  providers: [
    PostgresCredentialRepository,
    { provide: CredentialChangeBus, useClass: NatsCredentialChangeBus },
    CredentialCache,
    { provide: CredentialRepository, useClass: CachingCredentialRepository },
    { provide: RegistrationChallengeRepository, useClass: RedisRegistrationChallengeRepository },
    { provide: DeviceEvents, useClass: JetStreamDeviceEvents },
    PasskeysService,
    DeviceApprovalService,
    PasskeysRpc,
  ],
  exports: [CredentialRepository, CredentialCache],
})
export class PasskeysModule {}
