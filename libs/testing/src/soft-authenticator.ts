/**
 * A software WebAuthn authenticator for tests: it makes real P-256 keys with node:crypto and
 * returns the same JSON a browser's navigator.credentials.create()/get() would, with a 'none'
 * attestation. It lets unit, integration and end-to-end tests run the real ceremonies.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthenticationOptions, AuthenticationResponse, RegistrationOptions, RegistrationResponse } from '@classconnect/contracts';
import { cborEncode, concatBytes } from './cbor.js';

const Flags = { userPresent: 0x01, userVerified: 0x04, attestedData: 0x40 } as const;
const ES256 = -7;
/** A fixed, made-up AAGUID so a test can recognise this authenticator. */
const SoftAaguid = Uint8Array.from(Buffer.from('c1a55c0aae0c4e6f8f1e5f0ffa0ca1e5', 'hex'));

export interface SoftAuthenticatorOptions {
  /** Whether the device can verify its user (fingerprint, face, PIN). When false the UV flag is never set. */
  userVerification?: boolean;
}

export interface CeremonyOptions {
  /** The origin the "browser" reports, e.g. http://localhost:3000. */
  origin: string;
  /** Sign as this credential instead of the first one the options allow. */
  credentialId?: string;
  /** Report this signature counter instead of the next one (to test counter replays). */
  signCount?: number;
}

interface SoftCredential {
  id: string;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  signCount: number;
}

export class SoftAuthenticator {
  private readonly credentials = new Map<string, SoftCredential>();
  /** Whether the device verifies its user now; a test may switch it off after registration (a phone whose fingerprint reader fails). */
  userVerification: boolean;

  constructor(opts: SoftAuthenticatorOptions = {}) {
    this.userVerification = opts.userVerification ?? true;
  }

  /** The ids (base64url) of every credential this authenticator holds. */
  get credentialIds(): string[] {
    return [...this.credentials.keys()];
  }

  async createCredential(options: RegistrationOptions, ceremony: CeremonyOptions): Promise<RegistrationResponse> {
    if (!options.pubKeyCredParams.some((p) => p.alg === ES256)) throw new Error('SoftAuthenticator only supports ES256');
    const rpId = options.rp.id;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rawId = randomBytes(32);
    const id = rawId.toString('base64url');
    const credential: SoftCredential = { id, rpId, userHandle: options.user.id, privateKey, signCount: 0 };

    const credentialIdLength = Buffer.alloc(2);
    credentialIdLength.writeUInt16BE(rawId.length);
    const authData = concatBytes([
      sha256(rpId),
      Uint8Array.of(this.flags() | Flags.attestedData),
      uint32(credential.signCount),
      SoftAaguid,
      credentialIdLength,
      rawId,
      coseKey(publicKey),
    ]);
    const attestationObject = cborEncode({ fmt: 'none', attStmt: {}, authData });
    const clientDataJSON = clientData('webauthn.create', options.challenge, ceremony.origin);
    this.credentials.set(id, credential);

    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal', 'hybrid'],
        publicKeyAlgorithm: ES256,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  async getAssertion(options: AuthenticationOptions, ceremony: CeremonyOptions): Promise<AuthenticationResponse> {
    const credential = this.pick(options, ceremony.credentialId);
    credential.signCount += 1;
    const signCount = ceremony.signCount ?? credential.signCount;
    const authenticatorData = concatBytes([sha256(credential.rpId), Uint8Array.of(this.flags()), uint32(signCount)]);
    const clientDataJSON = clientData('webauthn.get', options.challenge, ceremony.origin);
    // WebAuthn ES256 signatures are ASN.1 DER, which is node:crypto's default for EC keys.
    const signature = sign('sha256', concatBytes([authenticatorData, sha256(clientDataJSON)]), credential.privateKey);

    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  private pick(options: AuthenticationOptions, wanted?: string): SoftCredential {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const candidates = [...this.credentials.values()].filter(
      (c) => (!options.rpId || c.rpId === options.rpId) && (!allowed?.length || allowed.includes(c.id)) && (!wanted || c.id === wanted),
    );
    const found = candidates[0];
    if (!found) throw new Error('SoftAuthenticator holds no credential these options allow');
    return found;
  }

  private flags(): number {
    return Flags.userPresent | (this.userVerification ? Flags.userVerified : 0);
  }
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** The credential public key as a COSE_Key map: EC2, ES256, curve P-256, x and y. */
function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  return cborEncode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, ES256],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
}

function sha256(data: string | Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

function uint32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
