import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { SessionService } from './session.service.js';

/** The session commands on NATS, each handed to one service method. */
@Injectable()
export class SessionRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.sessionStart, (req, ctx) => this.sessions.start(req, ctx.correlationId));
    this.rpc.handle(Rpc.sessionStop, (req, ctx) => this.sessions.stop(req, ctx.correlationId));
    this.rpc.handle(Rpc.sessionReopen, (req, ctx) => this.sessions.reopen(req, ctx.correlationId));
    this.rpc.handle(Rpc.sessionGet, (req) => this.sessions.get(req));
    this.rpc.handle(Rpc.sessionActive, (req, ctx) => this.sessions.active(req, ctx.correlationId));
    this.rpc.handle(Rpc.sessionCheckinContext, (req, ctx) => this.sessions.checkinContext(req, ctx.correlationId));
    this.rpc.handle(Rpc.sessionRecordMark, (req, ctx) => this.sessions.recordMark(req, ctx.correlationId));
    this.rpc.handle(Rpc.sessionMark, (req, ctx) => this.sessions.changeMark(req, ctx.correlationId));
  }
}
