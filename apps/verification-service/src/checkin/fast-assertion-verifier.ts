import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { ErrorCode } from '@classconnect/contracts';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import type { StoredCredential } from '../passkeys/credential.repository.js';
import { AssertionMessages, AssertionVerifier, LibraryAssertionVerifier, type AssertionFailure, type AssertionInput, type AssertionOutcome } from './assertion-verifier.js';

const Flag = { userPresent: 0x01, userVerified: 0x04, attestedData: 0x40, extensionData: 0x80 } as const;
const PlainAuthenticatorDataLength = 37;
const MaxCachedKeys = 100_000;
const TokenBindingStatuses = new Set(['present', 'supported', 'notSupported']);

interface CachedKey {
  publicKey: Uint8Array;
  /** null when the key is not ES256 on P-256: such credentials always go to the library. */
  key: KeyObject | null;
}

/**
 * The same checks as @simplewebauthn/server's verifyAuthenticationResponse, in the same order, for
 * the shape every platform authenticator sends (ES256 on P-256, 37-byte authenticator data without
 * attested credential or extension data), with the public key imported once per credential and
 * verified by node:crypto. The stock call re-imports the key on every assertion, which costs about
 * five times the signature check itself.
 *
 * Anything else is handed to the library, and so is a signature node:crypto refuses, so this is never
 * stricter than the library; fast-assertion-verifier.spec.ts holds both to the same answers.
 */
@Injectable()
export class FastAssertionVerifier extends AssertionVerifier {
  private readonly origins: Set<string>;
  private readonly rpIdHash: Buffer;
  private readonly library: LibraryAssertionVerifier;
  private readonly keys = new Map<string, CachedKey>();

  constructor(@Inject(VERIFICATION_CONFIG) config: Pick<VerificationConfig, 'WEBAUTHN_ORIGINS' | 'WEBAUTHN_RP_ID'>) {
    super();
    this.origins = new Set(config.WEBAUTHN_ORIGINS);
    this.rpIdHash = createHash('sha256').update(config.WEBAUTHN_RP_ID, 'ascii').digest();
    this.library = new LibraryAssertionVerifier(config);
  }

  async verify(input: AssertionInput): Promise<AssertionOutcome> {
    const { assertion, expectedChallenge, credential } = input;
    const key = this.keyOf(credential);
    const authData = Buffer.from(assertion.response.authenticatorData, 'base64url');
    if (!key || authData.length !== PlainAuthenticatorDataLength || authData[32]! & (Flag.attestedData | Flag.extensionData)) {
      return this.library.verify(input);
    }

    // The response itself.
    if (!assertion.id || assertion.id !== assertion.rawId || assertion.type !== 'public-key') return failure(ErrorCode.ASSERTION_INVALID);

    // The client data: what the browser says was asked, by whom, where.
    const clientDataBytes = Buffer.from(assertion.response.clientDataJSON, 'base64url');
    let clientData: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown; topOrigin?: unknown; tokenBinding?: unknown };
    try {
      clientData = JSON.parse(clientDataBytes.toString('utf8'));
    } catch {
      return failure(ErrorCode.ASSERTION_INVALID);
    }
    if (clientData === null || typeof clientData !== 'object') return failure(ErrorCode.ASSERTION_INVALID);
    if (clientData.type !== 'webauthn.get') return failure(ErrorCode.ASSERTION_INVALID);
    if (clientData.challenge !== expectedChallenge) return failure(ErrorCode.ASSERTION_INVALID);
    // No top origin is expected: we are never embedded in another site's frame.
    if (clientData.topOrigin) return failure(ErrorCode.ASSERTION_INVALID);
    if (typeof clientData.origin !== 'string' || !this.origins.has(clientData.origin)) return failure(ErrorCode.ASSERTION_INVALID);
    if (assertion.response.userHandle !== undefined && typeof assertion.response.userHandle !== 'string') return failure(ErrorCode.ASSERTION_INVALID);
    if (clientData.tokenBinding) {
      const tb = clientData.tokenBinding as { status?: unknown };
      if (typeof tb !== 'object' || !TokenBindingStatuses.has(tb.status as string)) return failure(ErrorCode.ASSERTION_INVALID);
    }

    // The authenticator data: for our RP, user present and verified, counter grown.
    if (!authData.subarray(0, 32).equals(this.rpIdHash)) return failure(ErrorCode.ASSERTION_INVALID);
    const flags = authData[32]!;
    if (!(flags & Flag.userPresent)) return failure(ErrorCode.ASSERTION_INVALID);
    if (!(flags & Flag.userVerified)) return failure(ErrorCode.USER_NOT_VERIFIED);
    const counter = authData.readUInt32BE(33);
    if ((counter > 0 || credential.counter > 0) && counter <= credential.counter) return failure(ErrorCode.COUNTER_REPLAY);

    // The signature over authenticatorData || SHA-256(clientDataJSON).
    const signed = Buffer.concat([authData, createHash('sha256').update(clientDataBytes).digest()]);
    const signature = Buffer.from(assertion.response.signature, 'base64url');
    let valid = false;
    try {
      valid = verify('sha256', signed, { key: key.key!, dsaEncoding: 'der' }, signature);
    } catch {
      valid = false;
    }
    // The library reads DER more leniently than OpenSSL; let it have the last word on a refusal.
    if (!valid) return this.library.verify(input);
    return { ok: true, newCounter: counter };
  }

  /** The credential's key, imported once. null (and cached as such) for keys the fast path does not handle. */
  private keyOf(credential: StoredCredential): CachedKey | null {
    const cached = this.keys.get(credential.id);
    if (cached && Buffer.from(cached.publicKey).equals(credential.publicKey)) return cached.key ? cached : null;
    if (this.keys.size >= MaxCachedKeys) this.keys.clear();
    const entry: CachedKey = { publicKey: credential.publicKey, key: importEs256(credential.publicKey) };
    this.keys.set(credential.id, entry);
    return entry.key ? entry : null;
  }
}

function importEs256(publicKey: Uint8Array): KeyObject | null {
  try {
    const coseKey = decodeCredentialPublicKey(publicKey as Uint8Array<ArrayBuffer>) as unknown as Map<number, unknown>;
    const kty = coseKey.get(cose.COSEKEYS.kty);
    const alg = coseKey.get(cose.COSEKEYS.alg);
    const crv = coseKey.get(cose.COSEKEYS.crv);
    const x = coseKey.get(cose.COSEKEYS.x);
    const y = coseKey.get(cose.COSEKEYS.y);
    if (kty !== cose.COSEKTY.EC2 || alg !== cose.COSEALG.ES256 || crv !== cose.COSECRV.P256) return null;
    if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32) return null;
    return createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

function failure(reason: AssertionFailure): AssertionOutcome {
  return { ok: false, reason, message: AssertionMessages[reason] };
}
