import { Module, type DynamicModule } from '@nestjs/common';
import { EventPublisher } from '@classconnect/messaging';
import { FenceDistanceRpc } from '../fences/fence-distance.rpc.js';
import { FenceDistanceService } from '../fences/fence-distance.service.js';
import { QrRepository } from '../qr/qr.repository.js';
import { QrRpc } from '../qr/qr.rpc.js';
import { QrService } from '../qr/qr.service.js';
import { ATTENDANCE_HISTORY, JetStreamAttendanceHistory, type AttendanceHistory } from './attendance-history.js';
import { EnrollmentConsumer } from './enrollment.consumer.js';
import { IDENTITY_PORT, NatsIdentityPort, type IdentityPort } from './identity.port.js';
import { SessionSweeper, SWEEP_INTERVAL_MS } from './session-sweeper.js';
import { SessionRepository } from './session.repository.js';
import { SessionRpc } from './session.rpc.js';
import { SessionService } from './session.service.js';
import { StateRecovery } from './state-recovery.service.js';

export interface SessionsOptions {
  maxSessionSeconds: number;
  sweepIntervalMs: number;
}

/** Live sessions: start, stop, who is present, marks by hand, the automatic close, rotating QR codes. Needs the Redis and messaging modules (both global). */
@Module({})
export class SessionsModule {
  static forRoot(opts: SessionsOptions): DynamicModule {
    return {
      module: SessionsModule,
      providers: [
        SessionRepository,
        { provide: IDENTITY_PORT, useClass: NatsIdentityPort },
        // Redis that comes back empty: the lost sessions are closed from the stream (state-recovery.service.ts).
        { provide: ATTENDANCE_HISTORY, useClass: JetStreamAttendanceHistory },
        {
          provide: StateRecovery,
          useFactory: (store: SessionRepository, history: AttendanceHistory, identity: IdentityPort, events: EventPublisher) =>
            new StateRecovery(store, history, identity, events, { maxSessionSeconds: opts.maxSessionSeconds }),
          inject: [SessionRepository, ATTENDANCE_HISTORY, IDENTITY_PORT, EventPublisher],
        },
        {
          provide: SessionService,
          useFactory: (store: SessionRepository, identity: IdentityPort, events: EventPublisher, recovery: StateRecovery) =>
            new SessionService(store, identity, events, { maxSessionSeconds: opts.maxSessionSeconds, lossCheck: recovery }),
          inject: [SessionRepository, IDENTITY_PORT, EventPublisher, StateRecovery],
        },
        { provide: SWEEP_INTERVAL_MS, useValue: opts.sweepIntervalMs },
        SessionRpc,
        SessionSweeper,
        QrRepository,
        { provide: QrService, useFactory: (store: SessionRepository, qr: QrRepository) => new QrService(store, qr), inject: [SessionRepository, QrRepository] },
        QrRpc,
        // Check-in flags: the distance between two open sessions' fences.
        { provide: FenceDistanceService, useFactory: (store: SessionRepository) => new FenceDistanceService(store), inject: [SessionRepository] },
        FenceDistanceRpc,
        // open sessions follow enrollment changes
        EnrollmentConsumer,
      ],
    };
  }
}
