import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { QrService } from './qr.service.js';

/** The QR commands on NATS, each handed to one service method. */
@Injectable()
export class QrRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(QrService) private readonly qr: QrService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.sessionQr, (req) => this.qr.current(req));
  }
}
