import { Module, type DynamicModule } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { EventPublisher, IdentityClient } from '@classconnect/messaging';
import { FenceDistanceRpc } from '../fences/fence-distance.rpc.js';
import { FenceDistanceService } from '../fences/fence-distance.service.js';
import { QrJudge } from '../qr/qr-judge.js';
import { QrRepository, QrStore } from '../qr/qr.repository.js';
import { QrRpc } from '../qr/qr.rpc.js';
import { QrService } from '../qr/qr.service.js';
import { AttendanceHistory, JetStreamAttendanceHistory } from './attendance-history.js';
import { EnrollmentConsumer } from './enrollment.consumer.js';
import { ErasureConsumer } from './erasure.consumer.js';
import { SessionStore } from './session.model.js';
import { SessionSweeper, SWEEP_INTERVAL_MS } from './session-sweeper.js';
import { SessionRepository } from './session.repository.js';
import { SessionRpc } from './session.rpc.js';
import { SessionService } from './session.service.js';
import { StateRecovery } from './state-recovery.service.js';

export interface SessionsOptions {
  maxSessionSeconds: number;
  sweepIntervalMs: number;
  /** How long after Stop a session may be reopened (0: never). */
  reopenWindowSeconds: number;
}

/** Live sessions: start, stop, who is present, marks by hand, the automatic close, rotating QR codes. Needs the Redis and messaging modules (both global). */
@Module({})
export class SessionsModule {
  static forRoot(opts: SessionsOptions): DynamicModule {
    return {
      module: SessionsModule,
      providers: [
        { provide: SessionStore, useClass: SessionRepository },
        // Redis that comes back empty: the lost sessions are closed from the stream (state-recovery.service.ts).
        { provide: AttendanceHistory, useClass: JetStreamAttendanceHistory },
        {
          provide: StateRecovery,
          useFactory: (store: SessionStore, history: AttendanceHistory, identity: IdentityClient, events: EventPublisher, clock: Clock) =>
            new StateRecovery(store, history, identity, events, clock, { maxSessionSeconds: opts.maxSessionSeconds }),
          inject: [SessionStore, AttendanceHistory, IdentityClient, EventPublisher, Clock],
        },
        {
          provide: SessionService,
          useFactory: (store: SessionStore, identity: IdentityClient, events: EventPublisher, clock: Clock, qr: QrJudge, recovery: StateRecovery) =>
            new SessionService(store, identity, events, clock, qr, { maxSessionSeconds: opts.maxSessionSeconds, reopenWindowSeconds: opts.reopenWindowSeconds, lossCheck: recovery }),
          inject: [SessionStore, IdentityClient, EventPublisher, Clock, QrJudge, StateRecovery],
        },
        { provide: SWEEP_INTERVAL_MS, useValue: opts.sweepIntervalMs },
        SessionRpc,
        SessionSweeper,
        { provide: QrStore, useClass: QrRepository },
        {
          provide: QrService,
          useFactory: (sessions: SessionStore, qr: QrStore, clock: Clock) => new QrService(sessions, qr, clock),
          inject: [SessionStore, QrStore, Clock],
        },
        QrRpc,
        // A student's QR code, judged as part of recording the mark.
        { provide: QrJudge, useFactory: (qr: QrStore, clock: Clock) => new QrJudge(qr, clock), inject: [QrStore, Clock] },
        // Check-in flags: the distance between two open sessions' fences.
        FenceDistanceService,
        FenceDistanceRpc,
        // open sessions follow enrollment changes
        EnrollmentConsumer,
        // an erased person's name leaves the rosters
        ErasureConsumer,
      ],
    };
  }
}
