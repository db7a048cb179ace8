import { Injectable, Optional } from '@nestjs/common';
import { authorize, type PersonDataRequest, type VerificationPersonData } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { CredentialCache } from '../passkeys/credential-cache.js';
import { PersonKeys, PersonRecords } from './privacy.repository.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * This service's part of a person's data (GDPR Art. 15, 17 and 20): their passkeys, their device
 * binding, and the Redis keys named after them.
 */
@Injectable()
export class VerificationPrivacyService {
  private readonly log = createLogger('VerificationPrivacy');

  constructor(
    private readonly records: PersonRecords,
    private readonly keys: PersonKeys,
    /** What the instances remember of passkeys (none in unit specs that leave it out). */
    @Optional() private readonly credentials?: CredentialCache,
  ) {}

  /** Asked by the person themself or by an administrator; the gateway joins it with the other services' parts. */
  async export({ actor, userId }: PersonDataRequest): Promise<VerificationPersonData> {
    authorize(actor, actor.userId === userId ? 'data.export-own' : 'user.export');
    const [passkeys, boundAt] = await Promise.all([this.records.passkeysOf(userId), this.records.deviceBoundAt(userId)]);
    return {
      passkeys: passkeys.map((p) => ({
        id: p.id,
        deviceName: p.deviceName,
        status: p.status,
        createdAt: p.createdAt.toISOString(),
        lastUsedAt: iso(p.lastUsedAt),
        decidedAt: iso(p.decidedAt),
      })),
      deviceBoundAt: iso(boundAt),
    };
  }

  /**
   * Forgets the person: identity-service has erased the account, and this is what verification holds
   * about it. Safe to run again (a redelivery finds nothing left). A check-in in flight that already
   * read one of these passkeys still finishes; recording its use then updates no row, and the next
   * check-in finds no passkey.
   */
  async erase(userId: string): Promise<void> {
    const rows = await this.records.erase(userId);
    // Every instance forgets the person's passkeys, so none is read from memory once they are gone.
    this.credentials?.userErased(userId);
    // Postgres first: once it has committed the person cannot check in, so a Redis failure after it
    // leaves only short-lived keys, and the redelivery deletes them.
    const redisKeys = await this.keys.forget(userId);
    this.log.info({ userId, passkeys: rows.passkeys, deviceBinding: rows.deviceBinding, redisKeys }, 'erased the person’s passkeys, device binding and keys');
  }
}
