/**
 * Passkeys in the browser: the server's JSON options in, WebAuthn JSON out (binary as base64url).
 * Uses the browser's own JSON helpers (parse…FromJSON, toJSON) when it has them, else converts by
 * hand. Only the fields the gateway's strict schemas know are sent, and no nulls.
 */
import type { AuthenticationOptions, RegistrationOptions } from '@classconnect/contracts';

const fromB64u = (s: string): ArrayBuffer => {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
};
const toB64u = (buf: ArrayBuffer | ArrayBufferView): string => {
  const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  let s = '';
  for (const byte of bytes) s += String.fromCharCode(byte);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

type Json = Record<string, unknown>;

/** Keeps only `keys` of `obj` whose values are neither null nor undefined. */
function pick(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (obj[k] !== null && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

type JsonCapableCredential = Omit<PublicKeyCredential, 'toJSON'> & { toJSON?: () => Json };
interface PublicKeyCredentialJsonStatics {
  parseCreationOptionsFromJSON?: (o: unknown) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (o: unknown) => PublicKeyCredentialRequestOptions;
}
const statics = (): PublicKeyCredentialJsonStatics => (globalThis.PublicKeyCredential ?? {}) as unknown as PublicKeyCredentialJsonStatics;

export function passkeysSupported(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function' && !!navigator.credentials;
}

const descriptors = (list: { id: string; type: 'public-key'; transports?: string[] }[] | undefined): PublicKeyCredentialDescriptor[] =>
  (list ?? []).map((c) => ({ type: c.type, id: fromB64u(c.id), ...(c.transports ? { transports: c.transports as AuthenticatorTransport[] } : {}) }));

function creationOptions(o: RegistrationOptions): PublicKeyCredentialCreationOptions {
  const parse = statics().parseCreationOptionsFromJSON;
  if (parse) return parse(o);
  return {
    ...(o as unknown as PublicKeyCredentialCreationOptions),
    challenge: fromB64u(o.challenge),
    user: { ...o.user, id: fromB64u(o.user.id) },
    excludeCredentials: descriptors(o.excludeCredentials),
  };
}

function requestOptions(o: AuthenticationOptions): PublicKeyCredentialRequestOptions {
  const parse = statics().parseRequestOptionsFromJSON;
  if (parse) return parse(o);
  return {
    challenge: fromB64u(o.challenge),
    ...(o.rpId ? { rpId: o.rpId } : {}),
    ...(o.timeout ? { timeout: o.timeout } : {}),
    userVerification: (o.userVerification ?? 'required') as UserVerificationRequirement,
    allowCredentials: descriptors(o.allowCredentials),
  };
}

/** Creates a passkey on this device; returns the registration response for `passkey:register`. */
export async function createPasskey(options: RegistrationOptions): Promise<Json> {
  const cred = (await navigator.credentials.create({ publicKey: creationOptions(options) })) as JsonCapableCredential | null;
  if (!cred) throw new DOMException('no credential', 'NotAllowedError');
  let json: Json;
  if (cred.toJSON) {
    json = cred.toJSON();
  } else {
    const r = cred.response as AuthenticatorAttestationResponse;
    const publicKey = r.getPublicKey?.();
    json = {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toB64u(r.clientDataJSON),
        attestationObject: toB64u(r.attestationObject),
        transports: r.getTransports?.(),
        authenticatorData: r.getAuthenticatorData ? toB64u(r.getAuthenticatorData()) : undefined,
        publicKey: publicKey ? toB64u(publicKey) : undefined,
        publicKeyAlgorithm: r.getPublicKeyAlgorithm?.(),
      },
      authenticatorAttachment: cred.authenticatorAttachment,
      clientExtensionResults: cred.getClientExtensionResults(),
    };
  }
  return {
    ...pick(json, ['id', 'rawId', 'type', 'authenticatorAttachment', 'clientExtensionResults']),
    response: pick(json.response as Json, ['clientDataJSON', 'attestationObject', 'transports', 'authenticatorData', 'publicKey', 'publicKeyAlgorithm']),
  };
}

/** Signs a check-in challenge with this device's passkey (user verification required). */
export async function signChallenge(options: AuthenticationOptions): Promise<Json> {
  const cred = (await navigator.credentials.get({ publicKey: { ...requestOptions(options), userVerification: 'required' } })) as JsonCapableCredential | null;
  if (!cred) throw new DOMException('no credential', 'NotAllowedError');
  let json: Json;
  if (cred.toJSON) {
    json = cred.toJSON();
  } else {
    const r = cred.response as AuthenticatorAssertionResponse;
    json = {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toB64u(r.clientDataJSON),
        authenticatorData: toB64u(r.authenticatorData),
        signature: toB64u(r.signature),
        userHandle: r.userHandle ? toB64u(r.userHandle) : undefined,
      },
      authenticatorAttachment: cred.authenticatorAttachment,
      clientExtensionResults: cred.getClientExtensionResults(),
    };
  }
  return {
    ...pick(json, ['id', 'rawId', 'type', 'authenticatorAttachment', 'clientExtensionResults']),
    response: pick(json.response as Json, ['clientDataJSON', 'authenticatorData', 'signature', 'userHandle']),
  };
}
