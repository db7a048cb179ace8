import { describe, expect, it } from '@jest/globals';
import { verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { SoftAuthenticator } from '@classconnect/testing';
import { FastAssertionVerifier } from '../checkin/fast-assertion-verifier.js';
import type { StoredCredential } from '../passkeys/credential.repository.js';
import { MemoryCredentials } from '../passkeys/testing/fakes.js';
import { PasskeySignInService } from './passkey-sign-in.service.js';
import { MemorySignInChallenges } from './testing/fakes.js';

const config = { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: ['http://localhost:3000'] };
const origin = 'http://localhost:3000';
const owner = '00000000-0000-4000-8000-0000000000c1';

/** The in-memory store of device binding, seen as a list (the first passkey of each user is approved). */
class Credentials extends MemoryCredentials {
  get list(): StoredCredential[] {
    return [...this.byId.values()];
  }
}

/** A device holding a passkey registered to `userId` (the user handle the real registration sets). */
async function deviceOf(credentials: Credentials, userId: string, opts: { userVerification?: boolean } = {}, laterNeedsApproval = false) {
  const device = new SoftAuthenticator(opts);
  const challenge = Buffer.from(`registration-${userId}`).toString('base64url');
  const response = await device.createCredential(
    { challenge, rp: { id: 'localhost', name: 'ClassConnect' }, user: { id: Buffer.from(userId).toString('base64url'), name: userId, displayName: '' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }] },
    { origin },
  );
  const { registrationInfo } = await verifyRegistrationResponse({
    response: response as RegistrationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: 'localhost',
    requireUserVerification: false,
  });
  await credentials.insert({ id: registrationInfo!.credential.id, userId, publicKey: registrationInfo!.credential.publicKey, counter: 0, transports: [], deviceName: 'Phone' }, laterNeedsApproval);
  return device;
}

function setUp() {
  const challenges = new MemorySignInChallenges();
  const credentials = new Credentials();
  const service = new PasskeySignInService(challenges, credentials, new FastAssertionVerifier(config), new SettableClock(), config);
  return { service, challenges, credentials };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('PasskeySignInService', () => {
  it('offers a challenge for any passkey of this site, with user verification required', async () => {
    const { service, challenges } = setUp();
    const { options } = await service.options();
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [] });
    expect(challenges.live.has(options.challenge)).toBe(true);
  });

  it('says whose passkey answered, once per challenge, and records the use', async () => {
    const { service, credentials } = setUp();
    const device = await deviceOf(credentials, owner);
    const { options } = await service.options();
    const response = await device.getAssertion(options, { origin });
    await expect(service.verify(response)).resolves.toEqual({ userId: owner, credentialId: response.id });
    expect(credentials.list[0]!.lastUsedAt).toBeInstanceOf(Date);
    expect(await codeOf(service.verify(response))).toBe(ErrorCode.CHALLENGE_NOT_FOUND);
  });

  it('refuses a second device still waiting for approval, as check-in does', async () => {
    const { service, credentials } = setUp();
    await deviceOf(credentials, owner);
    const second = await deviceOf(credentials, owner, {}, true);
    expect(credentials.list.map((c) => c.status)).toEqual(['approved', 'pending']);
    const { options } = await service.options();
    const assertion = await second.getAssertion(options, { origin });
    await expect(codeOf(service.verify(assertion as never))).resolves.toBe(ErrorCode.DEVICE_NOT_APPROVED);
  });

  it('refuses an unknown passkey, a user handle that is not the owner’s, a device that did not verify its user, and a made-up challenge', async () => {
    const { service, credentials } = setUp();
    const stranger = new SoftAuthenticator();
    await stranger.createCredential(
      { challenge: 'AAAA', rp: { id: 'localhost', name: 'x' }, user: { id: 'eA', name: 'x', displayName: '' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }] },
      { origin },
    );
    expect(await codeOf(service.verify(await stranger.getAssertion((await service.options()).options, { origin })))).toBe(ErrorCode.UNKNOWN_CREDENTIAL);

    const device = await deviceOf(credentials, owner);
    const claimsOther = await device.getAssertion((await service.options()).options, { origin });
    claimsOther.response.userHandle = Buffer.from('00000000-0000-4000-8000-0000000000c2').toString('base64url');
    expect(await codeOf(service.verify(claimsOther))).toBe(ErrorCode.ASSERTION_INVALID);

    const noLock = await deviceOf(credentials, '00000000-0000-4000-8000-0000000000c3', { userVerification: false });
    expect(await codeOf(service.verify(await noLock.getAssertion((await service.options()).options, { origin })))).toBe(ErrorCode.USER_NOT_VERIFIED);

    const forged = await device.getAssertion({ challenge: 'bm90LWlzc3VlZA', rpId: 'localhost' }, { origin });
    expect(await codeOf(service.verify(forged))).toBe(ErrorCode.CHALLENGE_NOT_FOUND);
  });
});
