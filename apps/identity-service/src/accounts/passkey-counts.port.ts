import { Injectable } from '@nestjs/common';
import { Rpc, type PasskeyCount } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';

/**
 * verification-service holds the passkeys; the admin's list of people shows how many each person
 * has, read from there when the list is read (nothing is copied here, so a passkey added or removed
 * shows at the next reading).
 */
export abstract class PasskeyCounts {
  /** Counts for those of `userIds` who have passkeys; throws when verification-service does not answer. */
  abstract of(userIds: readonly string[], correlationId?: string): Promise<PasskeyCount[]>;
}

/** A list waits this long at most for the counts; without them it is shown anyway. */
export const PasskeyCountsTimeoutMs = 2_000;

@Injectable()
export class NatsPasskeyCounts extends PasskeyCounts {
  constructor(private readonly rpc: RpcClient) {
    super();
  }

  async of(userIds: readonly string[], correlationId?: string): Promise<PasskeyCount[]> {
    if (userIds.length === 0) return [];
    const reply = await this.rpc.request(Rpc.passkeyCounts, { userIds: [...userIds] }, { timeoutMs: PasskeyCountsTimeoutMs, ...(correlationId ? { correlationId } : {}) });
    return reply.counts;
  }
}
