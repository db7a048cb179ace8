import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TokenService } from '@classconnect/auth';
import { MessagingModule } from '@classconnect/messaging';
import { AuthController } from './auth/auth.controller.js';
import { AuthGateway } from './auth/auth.gateway.js';
import { AuthService } from './auth/auth.service.js';
import { RevocationService } from './auth/revocation.service.js';
import { CheckinService } from './checkin/checkin.service.js';
import { CheckinTimer } from './checkin/checkin-timer.js';
import { QrCodeService } from './checkin/qr-code.service.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { DeviceFanout } from './devices/device-fanout.service.js';
import { DevicesGateway } from './devices/devices.gateway.js';
import { DownloadsController } from './downloads/downloads.controller.js';
import { PersonDataController } from './downloads/person-data.controller.js';
import { EnrollmentFollower } from './enrollments/enrollment-follower.service.js';
import { EnrollmentsGateway } from './enrollments/enrollments.gateway.js';
import { RosterImportController } from './enrollments/roster-import.controller.js';
import { ApiController } from './http/api.controller.js';
import { DomainErrorFilter } from './http/domain-error.filter.js';
import { DeadLettersGateway } from './operations/dead-letters.gateway.js';
import { AttendanceGateway } from './realtime/attendance.gateway.js';
import { EventFanout } from './realtime/event-fanout.service.js';
import { ConnectedUsersResponder } from './push/connected-users.responder.js';
import { GatewayDrain } from './realtime/gateway-drain.service.js';
import { ClientEventRouter } from './realtime/client-event-router.js';
import { SocketServer } from './realtime/socket-server.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MessagingModule.forService('gateway', config, { rpcTimeoutMs: config.RPC_TIMEOUT_MS }),
      ],
      controllers: [ApiController, DownloadsController, PersonDataController, RosterImportController, AuthController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: TokenService, useFactory: () => new TokenService(config.AUTH_TOKEN_SECRET) },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        AuthService,
        CheckinService,
        CheckinTimer,
        QrCodeService,
        EventFanout,
        ClientEventRouter,
        SocketServer,
        GatewayDrain,
        AttendanceGateway,
        DeviceFanout,
        DevicesGateway,
        DeadLettersGateway,
        // enrollments
        EnrollmentFollower,
        EnrollmentsGateway,
        // sign-in security
        RevocationService,
        AuthGateway,
        // class-start pushes: report-service asks who is connected
        ConnectedUsersResponder,
      ],
    };
  }
}
