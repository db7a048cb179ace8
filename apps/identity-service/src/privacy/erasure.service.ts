import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, PeriodicJob } from '@classconnect/config';
import { DomainError, ErrorCode, EventSubjects, SystemActorId, authorize, type EraseUserReply, type EraseUserRequest } from '@classconnect/contracts';
import { EventPublisher, type EventSink } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { SignInEvents } from '../sign-in/revocation.publisher.js';
import { ErasureStore } from './erasure.repository.js';

export const ERASURE_OPTIONS = Symbol('ERASURE_OPTIONS');
export interface ErasureOptions {
  attendance: 'pseudonymised' | 'removed';
  /** 0: the retention sweep is off. */
  retentionDays: number;
  sweepEverySeconds: number;
}

const DayMs = 24 * 60 * 60 * 1000;
const SweepBatch = 100;

/**
 * Erasing a person (GDPR Art. 17). identity-service does its part in one transaction, then tells
 * everyone: the sign-ins that ended (sockets close at once), the account disabled, and
 * `directory.account.erased.v1`, from which every other service erases its own copy. Erasing again
 * publishes the event again under the same id: a service that missed it catches up, and nothing
 * else changes. That is also the way to finish an erasure whose reply was an error.
 */
@Injectable()
export class ErasureService {
  private readonly log = createLogger('Erasure');

  constructor(
    @Inject(ErasureStore) private readonly store: ErasureStore,
    @Inject(EventPublisher) private readonly events: EventSink,
    @Inject(SignInEvents) private readonly signIns: SignInEvents,
    @Inject(ERASURE_OPTIONS) private readonly options: ErasureOptions,
  ) {}

  async erase({ actor, targetUserId, confirmEmail }: EraseUserRequest, correlationId?: string): Promise<EraseUserReply> {
    authorize(actor, 'user.erase');
    if (targetUserId === actor.userId) throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot erase your own account: ask another administrator.');
    return this.eraseAccount(targetUserId, actor.userId, { ...(confirmEmail !== undefined ? { confirmEmail } : {}), ...(correlationId ? { correlationId } : {}) });
  }

  /** Erases one account on behalf of `erasedBy` (an admin, or the system for the retention sweep). */
  async eraseAccount(userId: string, erasedBy: string, opts: { confirmEmail?: string; correlationId?: string } = {}): Promise<EraseUserReply> {
    const outcome = await this.store.erase(userId, { ...(opts.confirmEmail !== undefined ? { confirmEmail: opts.confirmEmail } : {}), removeEnrollments: this.options.attendance === 'removed' });
    if (outcome.outcome === 'not-found') throw new DomainError(ErrorCode.USER_NOT_FOUND, 'There is no account with this id.');
    if (outcome.outcome === 'mismatch') {
      throw new DomainError(ErrorCode.CONFIRMATION_MISMATCH, 'The email typed is not this account’s email: nothing was erased.', [
        { path: 'confirmEmail', message: 'must be the email of the account being erased' },
      ]);
    }
    const correlation = opts.correlationId ? { correlationId: opts.correlationId } : {};
    if (outcome.outcome === 'erased') {
      if (outcome.liveSignInIds.length > 0) await this.signIns.revoked(userId, outcome.liveSignInIds, true, 'account-disabled', opts.correlationId);
      if (outcome.wasEnabled) await this.signIns.statusChanged(userId, true, erasedBy, opts.correlationId);
      this.log.info({ userId, by: erasedBy, attendance: this.options.attendance }, 'account erased');
    }
    const erasedAt = outcome.erasedAt.toISOString();
    await this.events.publish(
      EventSubjects.accountErased,
      { userId, attendance: this.options.attendance, erasedBy, erasedAt },
      { dedupKey: `account.erased:${userId}`, about: userId, ...correlation },
    );
    return { userId, erasedAt, alreadyErased: outcome.outcome === 'already', attendance: this.options.attendance };
  }
}

/**
 * Account retention: accounts disabled for longer than ACCOUNT_RETENTION_DAYS are erased, by the
 * system, like an admin would. Off by default. Every instance may sweep: two that pick the same
 * account meet in its row lock, and the second finds it erased already.
 */
@Injectable()
export class AccountRetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('AccountRetention');
  private readonly job = new PeriodicJob(() => this.sweep());

  constructor(
    @Inject(ErasureStore) private readonly store: ErasureStore,
    @Inject(ErasureService) private readonly erasure: ErasureService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(ERASURE_OPTIONS) private readonly options: ErasureOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.retentionDays > 0) this.job.start(this.options.sweepEverySeconds * 1000, { immediately: true });
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** One sweep (joined while one runs); resolves with how many accounts it erased. Does nothing while retention is off. */
  sweepOnce(): Promise<number> {
    return this.options.retentionDays > 0 ? this.job.runOnce() : Promise.resolve(0);
  }

  private async sweep(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.retentionDays * DayMs);
    let erased = 0;
    try {
      for (;;) {
        const ids = await this.store.disabledBefore(cutoff, SweepBatch);
        for (const id of ids) {
          const reply = await this.erasure.eraseAccount(id, SystemActorId);
          if (!reply.alreadyErased) erased++;
        }
        if (ids.length < SweepBatch) break;
      }
    } catch (err) {
      this.log.warn({ err }, 'account retention sweep failed; the next one retries');
    }
    if (erased > 0) this.log.info({ accounts: erased, retentionDays: this.options.retentionDays }, 'disabled accounts erased past the retention period');
    return erased;
  }
}
