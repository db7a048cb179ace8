import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type AuthenticationResponse, type PasskeyAssertionReply, type PasskeySignInOptionsReply } from '@classconnect/contracts';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { Clock } from '@classconnect/config';
import { AssertionVerifier, challengeOf } from '../checkin/assertion-verifier.js';
import { CredentialRepository } from '../passkeys/credential.repository.js';
import { SignInChallengeRepository } from './sign-in-challenge.repository.js';

export const SignInChallengeTtlSeconds = 5 * 60;

const Sentences = {
  [ErrorCode.ASSERTION_INVALID]: 'Your passkey’s answer could not be verified. Please try signing in again.',
  [ErrorCode.USER_NOT_VERIFIED]: 'Your device did not confirm it was you (fingerprint, face or device PIN). Set up a screen lock and try again.',
  [ErrorCode.COUNTER_REPLAY]: 'This passkey answer was already used, or the passkey may have been copied. Please try again.',
} as const;

/**
 * Signing in with a passkey: the same discoverable credential a student checks in with. The
 * challenge names no user and lists no credentials (the device offers its passkeys for this site);
 * the answer is checked against the stored credential it names, with user verification required,
 * by the same verifier as check-ins. Says whose passkey it was; identity-service decides the rest.
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    @Inject(SignInChallengeRepository) private readonly challenges: SignInChallengeRepository,
    @Inject(CredentialRepository) private readonly credentials: CredentialRepository,
    @Inject(AssertionVerifier) private readonly verifier: AssertionVerifier,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(VERIFICATION_CONFIG) private readonly config: Pick<VerificationConfig, 'WEBAUTHN_RP_ID'>,
  ) {}

  async options(): Promise<PasskeySignInOptionsReply> {
    const challenge = randomBytes(32).toString('base64url');
    await this.challenges.issue(challenge, SignInChallengeTtlSeconds);
    return {
      options: { challenge, rpId: this.config.WEBAUTHN_RP_ID, timeout: SignInChallengeTtlSeconds * 1000, userVerification: 'required', allowCredentials: [] },
      expiresAt: new Date(this.clock.now().getTime() + SignInChallengeTtlSeconds * 1000).toISOString(),
    };
  }

  async verify(response: AuthenticationResponse): Promise<PasskeyAssertionReply> {
    const challenge = challengeOf(response.response.clientDataJSON);
    if (!challenge || !(await this.challenges.claim(challenge))) {
      throw new DomainError(ErrorCode.CHALLENGE_NOT_FOUND, 'This passkey sign-in has expired or was already used. Please try again.');
    }
    const credential = await this.credentials.findById(response.id);
    if (!credential) {
      throw new DomainError(ErrorCode.UNKNOWN_CREDENTIAL, 'This passkey is not registered with ClassConnect. Sign in with your password, then add a passkey.');
    }
    // The device says whose passkey it is; it must be the account the credential was registered to.
    if (response.response.userHandle !== undefined && response.response.userHandle !== Buffer.from(credential.userId).toString('base64url')) {
      throw new DomainError(ErrorCode.ASSERTION_INVALID, Sentences[ErrorCode.ASSERTION_INVALID]);
    }
    const outcome = await this.verifier.verify({ assertion: response, expectedChallenge: challenge, credential });
    if (!outcome.ok) throw new DomainError(outcome.reason, Sentences[outcome.reason]);
    // A second device waiting for (or refused) approval signs in no more than it checks in.
    if (credential.status !== 'approved') {
      throw new DomainError(
        ErrorCode.DEVICE_NOT_APPROVED,
        credential.status === 'pending'
          ? 'This passkey is waiting for a teacher’s approval. Sign in with your password or a passkey already approved.'
          : 'This passkey was refused for this account. Sign in with your password or a passkey already approved.',
      );
    }
    await this.credentials.recordUse(credential.id, outcome.newCounter, this.clock.now());
    return { userId: credential.userId, credentialId: credential.id };
  }
}
