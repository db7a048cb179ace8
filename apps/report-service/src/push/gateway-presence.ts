import { Inject, Injectable } from '@nestjs/common';
import { ConnectedUsersSubject, type ConnectedUsersReply } from '@classconnect/contracts';
import { NATS_CONNECTION, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { Presence } from './push.ports.js';

/** How long the gateways' answers are gathered: each answers at once from memory. */
const GatherMs = 300;

/** Asks every gateway which of the users has a socket on it, and gathers the answers for a short while. */
@Injectable()
export class GatewayPresence extends Presence {
  private readonly log = createLogger(GatewayPresence.name);

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    super();
  }

  async connected(userIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (userIds.length === 0) return found;
    try {
      const replies = await this.nc.requestMany(ConnectedUsersSubject, JSON.stringify({ userIds }), { strategy: 'timer', maxWait: GatherMs });
      for await (const msg of replies) {
        if (msg.data.length === 0) continue;
        for (const id of (msg.json<ConnectedUsersReply>().connected ?? [])) found.add(id);
      }
    } catch (err) {
      // No gateway answered at all (none running, or none with any of them): nobody is connected.
      this.log.debug({ err }, 'no gateway answered who is connected');
    }
    return found;
  }
}
