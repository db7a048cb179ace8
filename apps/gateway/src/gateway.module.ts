import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TokenService } from '@classconnect/auth';
import { MessagingModule } from '@classconnect/messaging';
import { AuthService } from './auth/auth.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGateway } from './auth/auth.gateway.js';
import { RevocationService } from './auth/revocation.service.js';
import { CheckinService } from './checkin/checkin.service.js';
import { QrCodeService } from './checkin/qr-code.service.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { ApiController } from './http/api.controller.js';
import { DomainErrorFilter } from './http/domain-error.filter.js';
import { AttendanceGateway } from './realtime/attendance.gateway.js';
import { EventFanout } from './realtime/event-fanout.service.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [MessagingModule.forRoot({ url: config.NATS_URL, name: 'gateway', queue: 'gateway', source: '/classconnect/gateway', rpcTimeoutMs: config.RPC_TIMEOUT_MS })],
      controllers: [
        ApiController,
        // sign-in security
        AuthController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: TokenService, useFactory: () => new TokenService(config.AUTH_TOKEN_SECRET) },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        AuthService,
        CheckinService,
        QrCodeService,
        EventFanout,
        AttendanceGateway,
        // sign-in security
        RevocationService,
        AuthGateway,
      ],
    };
  }
}
