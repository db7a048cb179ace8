import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { ServerEvents, type ServerPayloads } from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { Rooms } from '../realtime/rooms.js';
import { SocketServer } from '../realtime/socket-server.js';
import { userOf } from '../realtime/socket-handler.js';
import { RevocationService, type Revocation } from './revocation.service.js';
import { RevokedSentences } from './revocations.js';

const log = createLogger('AuthGateway');

/**
 * Sign-in security on the socket side: ends this instance's connections of revoked sign-ins at once
 * (an auth:revoked push with the reason, then a server-side disconnect). user:set-disabled is a row
 * of realtime/relay-table.ts.
 */
@Injectable()
export class AuthGateway implements OnApplicationBootstrap {
  constructor(
    @Inject(RevocationService) private readonly revocations: RevocationService,
    @Inject(SocketServer) private readonly sockets: SocketServer,
  ) {}

  onApplicationBootstrap(): void {
    this.revocations.onRevoked((r) => void this.endSockets(r));
  }

  private async endSockets(r: Revocation): Promise<void> {
    const sockets = await this.sockets.server.in(Rooms.user(r.userId)).fetchSockets();
    const payload: ServerPayloads[typeof ServerEvents.authRevoked] = { reason: r.reason, message: RevokedSentences[r.reason] };
    let ended = 0;
    for (const socket of sockets) {
      const { claims } = userOf(socket as unknown as Socket);
      if (!claims || !this.revocations.revoked.reasonFor(claims)) continue;
      socket.emit(ServerEvents.authRevoked, payload);
      socket.disconnect(true);
      ended++;
    }
    if (ended > 0) log.info({ userId: r.userId, reason: r.reason, sockets: ended }, 'sockets of a revoked sign-in ended');
  }
}
