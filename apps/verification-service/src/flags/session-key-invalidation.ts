import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventSubjects } from '@classconnect/contracts';
import { NATS_CONNECTION, decodeOwnEvent, watchForGaps, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { FlagStateRepository } from './flag-state.repository.js';

/** The events after which an instance may no longer hold a session's flag key. */
export const SessionKeyEvents = [EventSubjects.sessionClosed, EventSubjects.sessionReopened] as const;

/**
 * Every instance keeps the flag keys of recent sessions in memory. The close of a session deletes
 * its key (SessionEndCleaner, on one instance), and after a reopening the first check-in makes a
 * new one: an instance still holding the old key would digest the same device or position
 * differently from the others, and a device shared between two students checking in through two
 * instances would not be flagged. So each instance hears session.closed and session.reopened
 * itself (plain subscriptions with no queue group, so that every instance hears every event) and
 * forgets that session's key; when it may have missed one (NATS disconnected, or it fell behind),
 * it forgets them all. What it forgets is read again from Redis once per session. The repository
 * also keeps no key longer than a minute, the bound should all of this fail.
 */
@Injectable()
export class SessionKeyInvalidation implements OnModuleInit, OnApplicationShutdown {
  private readonly log = createLogger('SessionKeyInvalidation');
  private stop?: () => void;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(FlagStateRepository) private readonly state: FlagStateRepository,
  ) {}

  onModuleInit(): void {
    const forgetAll = () => this.state.forgetCachedKey();
    const subs = SessionKeyEvents.map((subject) =>
      this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) {
            // A refused subscription (NATS permissions) ends here: the keys are then kept only for their time bound.
            this.log.error({ err, subject }, 'cannot hear session closes and reopenings: cached flag keys now live out their minute');
            return forgetAll();
          }
          let sessionId: unknown;
          try {
            sessionId = (decodeOwnEvent(msg.data).data as { sessionId?: unknown }).sessionId;
          } catch {
            /* read below as an event without a session */
          }
          if (typeof sessionId === 'string') this.state.forgetCachedKey(sessionId);
          else {
            this.log.warn({ subject }, 'an event without a session id: every cached flag key is forgotten');
            forgetAll();
          }
        },
      }),
    );
    const stopWatching = watchForGaps(this.nc, forgetAll);
    this.stop = () => {
      stopWatching();
      for (const sub of subs) sub.unsubscribe();
    };
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
