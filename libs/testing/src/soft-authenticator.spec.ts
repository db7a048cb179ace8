import { describe, expect, it } from '@jest/globals';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import type { AuthenticationOptions, RegistrationOptions } from '@classconnect/contracts';
import { cborEncode } from './cbor.js';
import { SoftAuthenticator } from './soft-authenticator.js';

const rpID = 'localhost';
const origin = 'http://localhost:3000';

async function registrationOptions(): Promise<RegistrationOptions> {
  return (await generateRegistrationOptions({
    rpName: 'ClassConnect',
    rpID,
    userName: 'ada@example.edu',
    userID: new TextEncoder().encode('7c1f6a8e-1b7a-4f5e-9a51-0c2d3e4f5a6b'),
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: [-7],
  })) as RegistrationOptions;
}

async function register(authenticator: SoftAuthenticator): Promise<WebAuthnCredential> {
  const options = await registrationOptions();
  const response = await authenticator.createCredential(options, { origin });
  const result = await verifyRegistrationResponse({
    response: response as RegistrationResponseJSON,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  expect(result.verified).toBe(true);
  return result.registrationInfo!.credential;
}

async function authenticationOptions(credential: WebAuthnCredential): Promise<AuthenticationOptions> {
  return (await generateAuthenticationOptions({
    rpID,
    allowCredentials: [{ id: credential.id }],
    userVerification: 'required',
  })) as AuthenticationOptions;
}

function verifyAssertion(response: unknown, options: AuthenticationOptions, credential: WebAuthnCredential, requireUserVerification = true) {
  return verifyAuthenticationResponse({
    response: response as AuthenticationResponseJSON,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification,
  });
}

describe('cborEncode', () => {
  it('encodes integers, strings, bytes, arrays and maps in their shortest form', () => {
    const hex = (v: Parameters<typeof cborEncode>[0]) => Buffer.from(cborEncode(v)).toString('hex');
    // Examples from RFC 8949 appendix A.
    expect(hex(0)).toBe('00');
    expect(hex(23)).toBe('17');
    expect(hex(24)).toBe('1818');
    expect(hex(1000)).toBe('1903e8');
    expect(hex(1000000)).toBe('1a000f4240');
    expect(hex(1000000000000)).toBe('1b000000e8d4a51000');
    expect(hex(-1)).toBe('20');
    expect(hex(-100)).toBe('3863');
    expect(hex(-1000)).toBe('3903e7');
    expect(hex('IETF')).toBe('6449455446');
    expect(hex('ü')).toBe('62c3bc');
    expect(hex(Uint8Array.of(1, 2, 3, 4))).toBe('4401020304');
    expect(hex([1, [2, 3], [4, 5]])).toBe('8301820203820405');
    expect(hex({ a: 1, b: [2, 3] })).toBe('a26161016162820203');
    expect(hex(new Map([[1, 2], [3, 4]]))).toBe('a201020304');
  });

  it('refuses numbers it cannot encode', () => {
    expect(() => cborEncode(1.5)).toThrow(TypeError);
  });
});

describe('SoftAuthenticator against @simplewebauthn/server', () => {
  it('registers a credential that the library verifies, with user verification and a none attestation', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await registrationOptions();
    const response = await authenticator.createCredential(options, { origin });
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
    });
    expect(result.verified).toBe(true);
    expect(result.registrationInfo).toMatchObject({ fmt: 'none', userVerified: true, credentialDeviceType: 'singleDevice', credentialBackedUp: false });
    expect(result.registrationInfo!.credential.id).toBe(response.id);
    expect(result.registrationInfo!.credential.counter).toBe(0);
    expect(authenticator.credentialIds).toEqual([response.id]);
  });

  it('signs assertions that verify, with a counter that grows and the user handle set', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const regOptions = await registrationOptions();

    for (const expectedCounter of [1, 2, 3]) {
      const options = await authenticationOptions(credential);
      const assertion = await authenticator.getAssertion(options, { origin });
      expect(assertion.response.userHandle).toBe(regOptions.user.id);
      const result = await verifyAssertion(assertion, options, credential);
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo).toMatchObject({ newCounter: expectedCounter, userVerified: true });
      credential.counter = result.authenticationInfo.newCounter;
    }
  });

  it('is rejected by the library when the signature, challenge, origin or counter is wrong', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const options = await authenticationOptions(credential);

    const tampered = await authenticator.getAssertion(options, { origin });
    const sig = Buffer.from(tampered.response.signature, 'base64url');
    sig[sig.length - 1]! ^= 0x01;
    tampered.response.signature = sig.toString('base64url');
    const tamperedResult = await verifyAssertion(tampered, options, credential).catch(() => ({ verified: false }));
    expect(tamperedResult.verified).toBe(false);

    const other = await authenticationOptions(credential);
    await expect(verifyAssertion(await authenticator.getAssertion(other, { origin }), options, credential)).rejects.toThrow(/challenge/);
    await expect(verifyAssertion(await authenticator.getAssertion(options, { origin: 'https://evil.example' }), options, credential)).rejects.toThrow(
      /origin/,
    );
    await expect(verifyAssertion(await authenticator.getAssertion(options, { origin, signCount: 0 }), options, { ...credential, counter: 5 })).rejects.toThrow(
      /counter/,
    );
  });

  it('leaves the UV flag off for a device that cannot verify its user', async () => {
    const authenticator = new SoftAuthenticator({ userVerification: false });
    const options = await registrationOptions();
    const response = await authenticator.createCredential(options, { origin });
    await expect(
      verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true,
      }),
    ).rejects.toThrow(/User verification/);

    const lenient = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
    const credential = lenient.registrationInfo!.credential;
    const authOptions = await authenticationOptions(credential);
    const assertion = await authenticator.getAssertion(authOptions, { origin });
    await expect(verifyAssertion(assertion, authOptions, credential)).rejects.toThrow(/User verification required/);
    await expect(verifyAssertion(assertion, authOptions, credential, false)).resolves.toMatchObject({ verified: true });
  });
});
