import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, EventSubjects, SessionClosedV1, Streams } from '@classconnect/contracts';
import { ConsumerLifecycle, NATS_CONNECTION, SessionClient, type DurableConsumer, type ConsumedMessage, decodeEvent, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { FlagStateRepository } from '../flags/flag-state.repository.js';
import { ChallengeRepository } from './challenge.repository.js';

/** The durable's name from when it cleaned flag state only: kept, so a deployment goes on with the consumer it has. */
export const SessionEndConsumerName = 'verification-flags';

/**
 * Forgets what this service keeps per session when the session closes: its flag state (HMAC key
 * and digests) and its unclaimed check-in challenges (which carry the fence's centre). A durable
 * consumer of session.closed, so a close seen while this service was down is handled on restart;
 * the keys' TTLs are the fallback.
 */
@Injectable()
export class SessionEndCleaner extends ConsumerLifecycle {
  private readonly log = createLogger('SessionEndCleaner');

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly state: FlagStateRepository,
    private readonly challenges: ChallengeRepository,
    private readonly sessions: SessionClient,
  ) {
    super(nc, {
      stream: Streams.attendance.name,
      durable: SessionEndConsumerName,
      filterSubjects: [EventSubjects.sessionClosed],
      concurrency: 4,
      deliverPolicy: 'new',
    });
  }

  protected run(consumer: DurableConsumer): Promise<void> {
    return consumer.start((msg) => this.onMessage(msg));
  }

  async onMessage(msg: ConsumedMessage): Promise<void> {
    let closed: { sessionId: string; closedAt: string };
    try {
      closed = SessionClosedV1.parse(decodeEvent(msg.data).data);
    } catch {
      this.log.warn({ seq: msg.seq }, 'skipped a session.closed event that does not match its schema');
      return;
    }
    // A close seen late (this service was down) may come after the session was reopened: only the
    // challenges issued before the close are forgotten, and the flag state only if the session is
    // not open again (session-service says; the reopened session's next close forgets it then).
    await this.challenges.forgetSession(closed.sessionId, Date.parse(closed.closedAt));
    if (await this.openAgain(closed.sessionId)) {
      this.log.info({ sessionId: closed.sessionId, closedAt: closed.closedAt }, 'kept the flag state of a session reopened since this close');
      return;
    }
    await this.state.forgetSession(closed.sessionId);
  }

  /**
   * Whether the session is open now. Asked as the check-in context of nobody in particular (a
   * random id, enrolled nowhere): it is read-only. A session session-service no longer knows is not
   * open; any other failure is thrown, and the close is handled again later.
   */
  private async openAgain(sessionId: string): Promise<boolean> {
    try {
      return (await this.sessions.checkinContext(sessionId, randomUUID())).status === 'open';
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.SESSION_NOT_FOUND) return false;
      throw err;
    }
  }
}
