import { Module } from '@nestjs/common';
import { EventPublisher } from '@classconnect/messaging';
import { IDENTITY_PORT, NatsIdentityPort, type IdentityPort } from './identity.port.js';
import { SessionRepository } from './session.repository.js';
import { SessionRpc } from './session.rpc.js';
import { SessionService } from './session.service.js';

/** Live sessions: start, stop, who is present. Needs the Redis and messaging modules (both global). */
@Module({
  providers: [
    SessionRepository,
    { provide: IDENTITY_PORT, useClass: NatsIdentityPort },
    {
      provide: SessionService,
      useFactory: (store: SessionRepository, identity: IdentityPort, events: EventPublisher) => new SessionService(store, identity, events),
      inject: [SessionRepository, IDENTITY_PORT, EventPublisher],
    },
    SessionRpc,
  ],
})
export class SessionsModule {}
