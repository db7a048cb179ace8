import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ErrorCode, type AuthenticationResponse } from '@classconnect/contracts';
import { cborEncode } from '@classconnect/testing';
import { SettableClock } from '@classconnect/config';
import { CredentialCache } from '../passkeys/credential-cache.js';
import { CachingCredentialRepository, type StoredCredential } from '../passkeys/credential.repository.js';
import { MemoryCredentialChangeBus, copying } from '../passkeys/testing/credential-bus.js';
import { MemoryCredentials } from '../passkeys/testing/fakes.js';
import { LibraryAssertionVerifier, type AssertionFailure, type AssertionOutcome } from './assertion-verifier.js';
import { FastAssertionVerifier } from './fast-assertion-verifier.js';

/**
 * The fast path must give the library's answer on every input. Each case below is built by hand so
 * that exactly one thing is wrong (or nothing), then checked by both verifiers.
 */
const config = { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: ['http://localhost:3000', 'https://attend.uni.example'] };
const origin = config.WEBAUTHN_ORIGINS[0]!;
const challenge = 'q0fVxv3hJ0oQ3G0wZ2cB1x3b7uY8hXz3vRr5vN0wW2c';
const UP = 0x01;
const UV = 0x04;
const ED = 0x80;

function es256Credential(counter = 0): { credential: StoredCredential; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = cborEncode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const id = Buffer.from(createHash('sha256').update(jwk.x!).digest()).toString('base64url');
  return { credential: credentialOf(id, cose, counter), privateKey };
}

function ed25519Credential(): { credential: StoredCredential; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = cborEncode(
    new Map<number, number | Uint8Array>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, Buffer.from(jwk.x!, 'base64url')],
    ]),
  );
  return { credential: credentialOf('ZWQyNTUxOS1jcmVkZW50aWFs', cose, 0), privateKey };
}

function credentialOf(id: string, cose: Uint8Array, counter: number): StoredCredential {
  return { id, userId: '00000000-0000-4000-8000-000000000001', publicKey: new Uint8Array(cose), counter, transports: [], deviceName: 'x', createdAt: new Date(), status: 'approved' };
}

interface Build {
  clientData?: Record<string, unknown> | string;
  rpId?: string;
  flags?: number;
  counter?: number;
  extra?: Uint8Array;
  truncate?: number;
  signer?: KeyObject;
  afterSign?: (sig: Buffer) => Buffer;
  tamperClientData?: (json: string) => string;
  id?: string;
  rawId?: string;
}

function assertionFor(credential: StoredCredential, privateKey: KeyObject, b: Build = {}): AuthenticationResponse {
  const clientDataObject = b.clientData ?? { type: 'webauthn.get', challenge, origin, crossOrigin: false };
  const clientJson = typeof clientDataObject === 'string' ? clientDataObject : JSON.stringify(clientDataObject);
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(b.counter ?? 1);
  let authData = Buffer.concat([
    createHash('sha256').update(b.rpId ?? config.WEBAUTHN_RP_ID).digest(),
    Buffer.of(b.flags ?? UP | UV),
    counter,
    b.extra ?? Buffer.alloc(0),
  ]);
  if (b.truncate) authData = authData.subarray(0, b.truncate);
  const data = Buffer.concat([authData, createHash('sha256').update(clientJson).digest()]);
  const key = b.signer ?? privateKey;
  let signature: Buffer = key.asymmetricKeyType === 'ed25519' ? sign(null, data, key) : sign('sha256', data, key);
  if (b.afterSign) signature = b.afterSign(signature);
  const sentClientJson = b.tamperClientData ? b.tamperClientData(clientJson) : clientJson;
  return {
    id: b.id ?? credential.id,
    rawId: b.rawId ?? credential.id,
    type: 'public-key',
    response: {
      clientDataJSON: Buffer.from(sentClientJson).toString('base64url'),
      authenticatorData: authData.toString('base64url'),
      signature: signature.toString('base64url'),
      userHandle: 'dXNlcg',
    },
    authenticatorAttachment: 'platform',
    clientExtensionResults: {},
  };
}

/** A DER signature with a redundant leading zero in r: still the same (r, s), but not strict DER. */
function loosenDer(sig: Buffer): Buffer {
  const rLen = sig[3]!;
  const r = sig.subarray(4, 4 + rLen);
  const rest = sig.subarray(4 + rLen);
  const body = Buffer.concat([Buffer.of(0x02, rLen + 1, 0x00), r, rest]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

const other = es256Credential();
const cases: [string, 'ok' | AssertionFailure, (c: StoredCredential, k: KeyObject) => { assertion: AuthenticationResponse; stored?: number }][] = [
  ['a valid assertion', 'ok', (c, k) => ({ assertion: assertionFor(c, k) })],
  ['a valid assertion from an authenticator without a counter', 'ok', (c, k) => ({ assertion: assertionFor(c, k, { counter: 0 }), stored: 0 })],
  ['a valid assertion from the second configured origin', 'ok', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin: config.WEBAUTHN_ORIGINS[1] } }) })],
  ['another challenge', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge: 'abc', origin } }) })],
  ['another origin', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin: 'https://evil.example' } }) })],
  ['a create ceremony', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.create', challenge, origin } }) })],
  ['cross-origin with a top origin', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin, crossOrigin: true, topOrigin: 'https://x.example' } }) })],
  ['cross-origin without a top origin', 'ok', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin, crossOrigin: true } }) })],
  ['a top origin without cross-origin', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin, topOrigin: origin } }) })],
  ['a token binding with a bad status', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin, tokenBinding: { status: 'nope' } } }) })],
  ['a token binding that is present', 'ok', (c, k) => ({ assertion: assertionFor(c, k, { clientData: { type: 'webauthn.get', challenge, origin, tokenBinding: { status: 'present' } } }) })],
  ['client data that is not JSON', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { clientData: '{"type":' }) })],
  ['client data changed after signing', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { tamperClientData: (j) => j + ' ' }) })],
  ['another RP ID', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { rpId: 'evil.example' }) })],
  ['no user presence', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { flags: UV }) })],
  ['no user verification', 'USER_NOT_VERIFIED', (c, k) => ({ assertion: assertionFor(c, k, { flags: UP }) })],
  ['a counter that went back', 'COUNTER_REPLAY', (c, k) => ({ assertion: assertionFor(c, k, { counter: 3 }), stored: 5 })],
  ['a counter that did not grow', 'COUNTER_REPLAY', (c, k) => ({ assertion: assertionFor(c, k, { counter: 5 }), stored: 5 })],
  ['a zero counter after a non-zero one', 'COUNTER_REPLAY', (c, k) => ({ assertion: assertionFor(c, k, { counter: 0 }), stored: 5 })],
  ['a flipped signature bit', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { afterSign: (s) => { const t = Buffer.from(s); t[t.length - 3]! ^= 0x10; return t; } }) })],
  ['a signature that is not DER', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { afterSign: () => Buffer.from('not a signature at all') }) })],
  ['a signature in loose DER', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { afterSign: loosenDer }) })],
  ['a signature by another key', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { signer: other.privateKey }) })],
  ['an id that differs from rawId', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { rawId: 'b3RoZXI' }) })],
  ['extension data', 'ok', (c, k) => ({ assertion: assertionFor(c, k, { flags: UP | UV | ED, extra: cborEncode({ credProps: { rk: 1 } } as never) }) })],
  ['leftover bytes', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { extra: Buffer.of(0) }) })],
  ['truncated authenticator data', 'ASSERTION_INVALID', (c, k) => ({ assertion: assertionFor(c, k, { truncate: 36 }) })],
];

async function outcome(verifier: { verify: LibraryAssertionVerifier['verify'] }, input: Parameters<LibraryAssertionVerifier['verify']>[0]): Promise<AssertionOutcome> {
  return verifier.verify(input);
}

describe('FastAssertionVerifier gives the library’s answer', () => {
  const library = new LibraryAssertionVerifier(config);
  const fast = new FastAssertionVerifier(config);
  const { credential, privateKey } = es256Credential();

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each(cases)('on %s (%s)', async (_name, libraryAnswer, make) => {
    const { assertion, stored } = make(credential, privateKey);
    const input = { assertion, expectedChallenge: challenge, credential: { ...credential, counter: stored ?? 0 } };
    const expected = await outcome(library, input);
    expect(expected.ok ? 'ok' : expected.reason).toBe(libraryAnswer);
    expect(await outcome(fast, input)).toEqual(expected);
    // And again, now with the key cached.
    expect(await outcome(fast, input)).toEqual(expected);
  });

  it('decides the common case without the library', async () => {
    const spy = jest.spyOn(LibraryAssertionVerifier.prototype, 'verify');
    const input = { assertion: assertionFor(credential, privateKey, { counter: 9 }), expectedChallenge: challenge, credential };
    await expect(fast.verify(input)).resolves.toEqual({ ok: true, newCounter: 9 });
    await expect(fast.verify({ ...input, assertion: assertionFor(credential, privateKey, { flags: UP }) })).resolves.toMatchObject({
      ok: false,
      reason: ErrorCode.USER_NOT_VERIFIED,
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it('hands keys it does not handle (Ed25519) to the library', async () => {
    const ed = ed25519Credential();
    const spy = jest.spyOn(LibraryAssertionVerifier.prototype, 'verify');
    const input = { assertion: assertionFor(ed.credential, ed.privateKey), expectedChallenge: challenge, credential: ed.credential };
    const expected = await library.verify(input);
    expect(expected).toEqual({ ok: true, newCounter: 1 });
    spy.mockClear();
    await expect(fast.verify(input)).resolves.toEqual(expected);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('notices when a credential id is registered again with another key', async () => {
    const first = es256Credential();
    const second = es256Credential();
    const reused = { ...second.credential, id: first.credential.id };
    await expect(fast.verify({ assertion: assertionFor(first.credential, first.privateKey), expectedChallenge: challenge, credential: first.credential })).resolves.toMatchObject({ ok: true });
    await expect(fast.verify({ assertion: assertionFor(reused, second.privateKey), expectedChallenge: challenge, credential: reused })).resolves.toMatchObject({ ok: true });
    await expect(fast.verify({ assertion: assertionFor(reused, first.privateKey), expectedChallenge: challenge, credential: reused })).resolves.toMatchObject({ ok: false });
  });
});

describe('FastAssertionVerifier with passkeys read from the instances’ memory gives the library’s answer on the stored passkey', () => {
  it('through uses on two instances, counter replays and a removal', async () => {
    const library = new LibraryAssertionVerifier(config);
    const memory = new MemoryCredentials();
    const store = copying(memory);
    const bus = new MemoryCredentialChangeBus();
    const clock = new SettableClock();
    const instances = [0, 1].map(() => {
      const cache = new CredentialCache(bus, clock);
      cache.onModuleInit();
      return { repo: new CachingCredentialRepository(store, cache), fast: new FastAssertionVerifier(config) };
    });
    const { credential, privateKey } = es256Credential();
    await instances[0]!.repo.insert({ id: credential.id, userId: credential.userId, publicKey: credential.publicKey, counter: 0, transports: [], deviceName: 'phone' });

    // [instance, counter the authenticator sends, the library's answer on the stored passkey]
    const steps: [number, number, 'ok' | AssertionFailure][] = [
      [0, 1, 'ok'],
      [1, 2, 'ok'],
      [0, 2, 'COUNTER_REPLAY'], // instance 0 remembered counter 1; instance 1's use made it forget
      [0, 3, 'ok'],
      [1, 3, 'COUNTER_REPLAY'],
      [1, 9, 'ok'],
      [1, 8, 'COUNTER_REPLAY'], // its own use: remembered with the new counter
      [0, 0, 'COUNTER_REPLAY'],
      [0, 10, 'ok'],
    ];
    for (const [i, counter, answer] of steps) {
      const { repo, fast } = instances[i]!;
      const assertion = assertionFor(credential, privateKey, { counter });
      const stored = (await store.findById(credential.id))!;
      const expected = await library.verify({ assertion, expectedChallenge: challenge, credential: stored });
      expect(expected.ok ? 'ok' : expected.reason).toBe(answer);
      const remembered = (await repo.findById(credential.id))!;
      expect(await fast.verify({ assertion, expectedChallenge: challenge, credential: remembered })).toEqual(expected);
      if (expected.ok) await repo.recordUse(credential.id, expected.newCounter, clock.now());
    }

    await instances[1]!.repo.remove(credential.id, credential.userId);
    expect(await store.findById(credential.id)).toBeNull();
    expect(await instances[0]!.repo.findById(credential.id)).toBeNull();
  });
});
