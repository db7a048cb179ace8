import { Module } from '@nestjs/common';
import { CredentialRepository, PostgresCredentialRepository } from './credential.repository.js';
import { DeviceApprovalService } from './device-approval.service.js';
import { DeviceEvents, JetStreamDeviceEvents } from './device.events.js';
import { PasskeysRpc } from './passkeys.rpc.js';
import { PasskeysService } from './passkeys.service.js';
import { RedisRegistrationChallengeRepository, RegistrationChallengeRepository } from './registration-challenge.repository.js';

/** Registered passkeys. Exports the credential store, which check-in verification reads. */
@Module({
  providers: [
    { provide: CredentialRepository, useClass: PostgresCredentialRepository },
    { provide: RegistrationChallengeRepository, useClass: RedisRegistrationChallengeRepository },
    { provide: DeviceEvents, useClass: JetStreamDeviceEvents },
    PasskeysService,
    DeviceApprovalService,
    PasskeysRpc,
  ],
  exports: [CredentialRepository],
})
export class PasskeysModule {}
