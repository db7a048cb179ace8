import { Inject, Injectable } from '@nestjs/common';
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ErrorCode, type AuthenticationResponse } from '@classconnect/contracts';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import type { StoredCredential } from '../passkeys/credential.repository.js';

export type AssertionFailure = typeof ErrorCode.ASSERTION_INVALID | typeof ErrorCode.USER_NOT_VERIFIED | typeof ErrorCode.COUNTER_REPLAY;

export type AssertionOutcome = { ok: true; newCounter: number } | { ok: false; reason: AssertionFailure; message: string };

export interface AssertionInput {
  assertion: AuthenticationResponse;
  expectedChallenge: string;
  credential: StoredCredential;
}

/** Checks a WebAuthn assertion against a registered credential. */
export abstract class AssertionVerifier {
  abstract verify(input: AssertionInput): Promise<AssertionOutcome>;
}

export const AssertionMessages: Record<AssertionFailure, string> = {
  [ErrorCode.ASSERTION_INVALID]: 'Your passkey’s answer could not be verified. Please try checking in again.',
  [ErrorCode.USER_NOT_VERIFIED]:
    'Your device did not confirm it was you (fingerprint, face or device PIN). Set up a screen lock on your device and check in again.',
  [ErrorCode.COUNTER_REPLAY]:
    'This passkey answer was already used, or the passkey may have been copied. Check in again; if this keeps happening, register your passkey again.',
};

/** The challenge the browser signed, read from the assertion's clientDataJSON; null when there is none. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && data.challenge.length > 0 && data.challenge.length <= 512 ? data.challenge : null;
  } catch {
    return null;
  }
}

/** The stock @simplewebauthn/server check: origin and RP ID from config, user verification required, counter must grow. */
@Injectable()
export class LibraryAssertionVerifier extends AssertionVerifier {
  private readonly origins: string[];
  private readonly rpId: string;

  constructor(@Inject(VERIFICATION_CONFIG) config: Pick<VerificationConfig, 'WEBAUTHN_ORIGINS' | 'WEBAUTHN_RP_ID'>) {
    super();
    this.origins = config.WEBAUTHN_ORIGINS;
    this.rpId = config.WEBAUTHN_RP_ID;
  }

  async verify({ assertion, expectedChallenge, credential }: AssertionInput): Promise<AssertionOutcome> {
    try {
      const result = await verifyAuthenticationResponse({
        response: assertion as AuthenticationResponseJSON,
        expectedChallenge,
        expectedOrigin: this.origins,
        expectedRPID: this.rpId,
        requireUserVerification: true,
        credential: { id: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports as never },
      });
      if (!result.verified) return failure(ErrorCode.ASSERTION_INVALID);
      return { ok: true, newCounter: result.authenticationInfo.newCounter };
    } catch (err) {
      return failure(classify(err));
    }
  }
}

/** Maps the library's error to our reason. Its messages are the only signal it gives of which check failed. */
function classify(err: unknown): AssertionFailure {
  const message = err instanceof Error ? err.message : '';
  if (/user verification required/i.test(message)) return ErrorCode.USER_NOT_VERIFIED;
  if (/response counter value/i.test(message)) return ErrorCode.COUNTER_REPLAY;
  return ErrorCode.ASSERTION_INVALID;
}

function failure(reason: AssertionFailure): AssertionOutcome {
  return { ok: false, reason, message: AssertionMessages[reason] };
}
