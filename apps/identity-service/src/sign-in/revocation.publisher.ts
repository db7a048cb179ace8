import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventSubjects, type SignInRevokedReason } from '@classconnect/contracts';
import { EventPublisher } from '@classconnect/messaging';

/** Tells every gateway (and anyone following DIRECTORY) that sign-ins ended or an account changed status. A port for tests. */
export abstract class SignInEvents {
  abstract revoked(userId: string, signInIds: string[], everywhere: boolean, reason: SignInRevokedReason, correlationId?: string): Promise<void>;
  abstract statusChanged(userId: string, disabled: boolean, changedBy: string, correlationId?: string): Promise<void>;
}

@Injectable()
export class StreamSignInEvents extends SignInEvents {
  constructor(private readonly events: EventPublisher) {
    super();
  }

  async revoked(userId: string, signInIds: string[], everywhere: boolean, reason: SignInRevokedReason, correlationId?: string): Promise<void> {
    const revokedAt = new Date().toISOString();
    await this.events.publish(
      EventSubjects.signInRevoked,
      { userId, signInIds, everywhere, reason, revokedAt },
      { dedupKey: `signin-revoked:${randomUUID()}`, about: userId, ...(correlationId ? { correlationId } : {}) },
    );
  }

  async statusChanged(userId: string, disabled: boolean, changedBy: string, correlationId?: string): Promise<void> {
    const changedAt = new Date().toISOString();
    await this.events.publish(
      EventSubjects.accountStatusChanged,
      { userId, disabled, changedBy, changedAt },
      { dedupKey: `account-status:${userId}:${changedAt}`, about: userId, ...(correlationId ? { correlationId } : {}) },
    );
  }
}
