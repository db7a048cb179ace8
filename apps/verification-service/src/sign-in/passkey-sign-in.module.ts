import { Module } from '@nestjs/common';
import { AssertionVerifier } from '../checkin/assertion-verifier.js';
import { FastAssertionVerifier } from '../checkin/fast-assertion-verifier.js';
import { PasskeysModule } from '../passkeys/passkeys.module.js';
import { PasskeySignInRpc } from './passkey-sign-in.rpc.js';
import { PasskeySignInService } from './passkey-sign-in.service.js';
import { RedisSignInChallengeRepository, SignInChallengeRepository } from './sign-in-challenge.repository.js';

/** Passkey sign-in: challenges without a user, answers checked by the check-in's verifier. */
@Module({
  imports: [PasskeysModule],
  providers: [
    { provide: SignInChallengeRepository, useClass: RedisSignInChallengeRepository },
    { provide: AssertionVerifier, useClass: FastAssertionVerifier },
    PasskeySignInService,
    PasskeySignInRpc,
  ],
})
export class PasskeySignInModule {}
