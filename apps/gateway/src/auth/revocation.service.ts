import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventSubjects, SignInRevokedV1, Streams, type SignInRevokedReason } from '@classconnect/contracts';
import { NATS_CONNECTION, followEvents, sleep, type Follower, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { RevokedSignIns } from './revocations.js';

export interface Revocation {
  userId: string;
  signInIds: string[];
  everywhere: boolean;
  reason: SignInRevokedReason;
  revokedAt: string;
}

/**
 * Follows directory.signin.revoked.v1 from one access-token lifetime back (an ordered consumer: every
 * gateway instance sees every revocation), so a revoked access token is refused at the next handshake
 * or HTTP call, and tells the socket layer to end the affected connections at once.
 */
@Injectable()
export class RevocationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('Revocations');
  readonly revoked: RevokedSignIns;
  private readonly listeners: ((r: Revocation) => void)[] = [];
  private follower?: Follower;
  private readonly sweeper = setInterval(() => this.revoked.sweep(), 60_000).unref();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'ACCESS_TOKEN_TTL_SECONDS'>,
  ) {
    this.revoked = new RevokedSignIns(config.ACCESS_TOKEN_TTL_SECONDS * 1000);
  }

  onRevoked(listener: (r: Revocation) => void): void {
    this.listeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    const since = new Date(Date.now() - (this.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    this.follower = await followEvents(this.nc, {
      stream: Streams.directory.name,
      subjects: [EventSubjects.signInRevoked],
      since,
      name: 'sign-in revocations',
      onEvent: (event) => {
        const parsed = SignInRevokedV1.safeParse(event.data);
        if (!parsed.success) return this.log.warn({ id: event.id }, 'ignored a malformed sign-in revocation');
        this.revoked.record(parsed.data);
        for (const listener of this.listeners) listener(parsed.data);
      },
    });
    // Serve only once the recent revocations are known (or after a few seconds, rather than never).
    await Promise.race([this.follower.caughtUp, sleep(5_000)]);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.follower?.stop();
  }
}
