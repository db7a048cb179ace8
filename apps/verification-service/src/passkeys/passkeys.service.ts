import { Inject, Injectable } from '@nestjs/common';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  DomainError,
  ErrorCode,
  authorize,
  type Actor,
  type PasskeyCountsReply,
  type PasskeyRemovedReply,
  type PasskeysReply,
  type RegistrationOptionsReply,
  type RegistrationResponse,
  type VerifyRegistrationReply,
} from '@classconnect/contracts';
import { IdentityClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { CredentialRepository } from './credential.repository.js';
import { DeviceEvents } from './device.events.js';
import { RegistrationChallengeRepository } from './registration-challenge.repository.js';

/** How long a registration ceremony may take. */
export const RegistrationTtlSeconds = 5 * 60;
/** ES256 first: every platform authenticator supports it; EdDSA and RS256 for the rest. */
const SupportedAlgorithms = [-7, -8, -257];

/** Passkey registration and listing (WebAuthn create ceremony). */
@Injectable()
export class PasskeysService {
  private readonly log = createLogger('PasskeysService');

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly challenges: RegistrationChallengeRepository,
    private readonly identity: IdentityClient,
    @Inject(VERIFICATION_CONFIG)
    private readonly config: Pick<VerificationConfig, 'WEBAUTHN_RP_ID' | 'WEBAUTHN_RP_NAME' | 'WEBAUTHN_ORIGINS' | 'NEW_DEVICE_POLICY'>,
    private readonly deviceEvents: DeviceEvents,
  ) {}

  async registrationOptions(actor: Actor): Promise<RegistrationOptionsReply> {
    const [existing, label] = await Promise.all([this.credentials.listByUser(actor.userId), this.accountLabel(actor.userId)]);
    const options = await generateRegistrationOptions({
      rpName: this.config.WEBAUTHN_RP_NAME,
      rpID: this.config.WEBAUTHN_RP_ID,
      // The same user handle every time, so a device replaces its old passkey for this account instead of adding one.
      userID: new TextEncoder().encode(actor.userId),
      userName: label?.userName ?? actor.userId,
      userDisplayName: label?.displayName ?? '',
      timeout: RegistrationTtlSeconds * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
      // Discoverable, so a later sign-in can start from the passkey alone.
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: SupportedAlgorithms,
    });
    await this.challenges.save(actor.userId, options.challenge, RegistrationTtlSeconds);
    return options as RegistrationOptionsReply;
  }

  async register(actor: Actor, response: RegistrationResponse, deviceName?: string, correlationId?: string): Promise<VerifyRegistrationReply> {
    const expectedChallenge = await this.challenges.take(actor.userId);
    if (!expectedChallenge) {
      throw new DomainError(
        ErrorCode.PASSKEY_REGISTRATION_FAILED,
        'There is no passkey registration in progress, or it took longer than 5 minutes. Please start again.',
      );
    }
    const info = await this.verify(response, expectedChallenge);
    // Device binding: a student's first passkey is approved; a later one waits for a teacher (policy `approval`).
    const laterNeedsApproval = actor.role === 'student' && this.config.NEW_DEVICE_POLICY === 'approval';
    const stored = await this.credentials.insert(
      {
        id: info.credential.id,
        userId: actor.userId,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: response.response.transports ?? [],
        deviceName: deviceName ?? defaultDeviceName(response),
      },
      laterNeedsApproval,
    );
    if (!stored) {
      throw new DomainError(ErrorCode.PASSKEY_REGISTRATION_FAILED, 'This passkey is already registered. You can use it to check in.');
    }
    this.log.info({ userId: actor.userId, credentialId: stored.id, status: stored.status }, 'passkey registered');
    if (stored.status === 'pending') {
      // The student's teachers are told live; without identity-service the request still waits in their list.
      const courseIds = await this.identity.coursesOf(actor.userId, { correlationId }).then(
        (cs) => cs.filter((c) => c.relation === 'student').map((c) => c.id),
        (err: unknown) => {
          this.log.warn({ err, userId: actor.userId }, 'courses unknown: approval request announced to admins only');
          return [];
        },
      );
      await this.deviceEvents.approvalRequested(
        { credentialId: stored.id, studentId: actor.userId, deviceName: stored.deviceName, requestedAt: stored.createdAt.toISOString(), courseIds },
        correlationId,
      );
    }
    return { credentialId: stored.id, deviceName: stored.deviceName, createdAt: stored.createdAt.toISOString(), status: stored.status };
  }

  /** Removes one of the actor's own passkeys. Attendance already recorded with it stays (reports keep their proof). */
  async remove(actor: Actor, credentialId: string): Promise<PasskeyRemovedReply> {
    authorize(actor, 'passkey.manage-own');
    if (!(await this.credentials.remove(credentialId, actor.userId))) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'You have no passkey with this id: it may already have been removed.');
    }
    this.log.info({ userId: actor.userId, credentialId }, 'passkey removed');
    return { credentialId, removed: true };
  }

  /** How many passkeys each account has (identity-service's list of people; only it may ask, by the NATS permissions). */
  async counts(userIds: readonly string[]): Promise<PasskeyCountsReply> {
    return { counts: await this.credentials.countByUsers(userIds) };
  }

  async list(actor: Actor): Promise<PasskeysReply> {
    const passkeys = await this.credentials.listByUser(actor.userId);
    return {
      passkeys: passkeys.map((p) => ({
        credentialId: p.id,
        deviceName: p.deviceName,
        createdAt: p.createdAt.toISOString(),
        ...(p.lastUsedAt ? { lastUsedAt: p.lastUsedAt.toISOString() } : {}),
        status: p.status,
      })),
    };
  }

  /** Names for the passkey, from identity-service: a passkey works without them, so any failure (2 s at most) leaves them out. */
  private async accountLabel(userId: string): Promise<{ userName: string; displayName: string } | null> {
    try {
      const users = await this.identity.users([userId], { timeoutMs: 2_000 });
      const user = users.find((u) => u.id === userId);
      // userName is what the device's passkey picker shows (the university email).
      return user ? { userName: user.email, displayName: user.name } : null;
    } catch {
      return null;
    }
  }

  private async verify(response: RegistrationResponse, expectedChallenge: string) {
    let result;
    try {
      result = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge,
        expectedOrigin: this.config.WEBAUTHN_ORIGINS,
        expectedRPID: this.config.WEBAUTHN_RP_ID,
        requireUserVerification: true,
        supportedAlgorithmIDs: SupportedAlgorithms,
      });
    } catch (err) {
      throw new DomainError(ErrorCode.PASSKEY_REGISTRATION_FAILED, registrationFailureSentence(err));
    }
    if (!result.verified) {
      throw new DomainError(ErrorCode.PASSKEY_REGISTRATION_FAILED, 'Your device’s answer could not be verified. Please try registering again.');
    }
    return result.registrationInfo;
  }
}

/** Turns the library's technical reason into a sentence a student can act on. */
function registrationFailureSentence(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/user verification/i.test(message)) {
    return 'Your device did not confirm it was you (fingerprint, face or device PIN). Set up a screen lock on your device and try again.';
  }
  if (/origin/i.test(message)) return 'This passkey was created on a website we do not recognise. Register it from the ClassConnect page.';
  if (/challenge/i.test(message)) return 'This registration does not match the one we started. Please start again.';
  if (/alg/i.test(message)) return 'Your device offered a kind of key we do not support. Try another device or browser.';
  return 'Your device’s answer could not be verified. Please try registering again.';
}

function defaultDeviceName(response: RegistrationResponse): string {
  return response.authenticatorAttachment === 'cross-platform' ? 'Security key' : 'Passkey on this device';
}
