import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { DeviceApprovalService } from './device-approval.service.js';
import { PasskeysService } from './passkeys.service.js';

@Injectable()
export class PasskeysRpc implements OnApplicationBootstrap {
  constructor(
    private readonly rpc: RpcServer,
    private readonly passkeys: PasskeysService,
    private readonly devices: DeviceApprovalService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.passkeyRegistrationOptions, (req) => this.passkeys.registrationOptions(req.actor));
    this.rpc.handle(Rpc.passkeyRegister, (req, ctx) => this.passkeys.register(req.actor, req.response, req.deviceName, ctx.correlationId));
    this.rpc.handle(Rpc.passkeyList, (req) => this.passkeys.list(req.actor));
    this.rpc.handle(Rpc.passkeyRemove, (req) => this.passkeys.remove(req.actor, req.credentialId));
    this.rpc.handle(Rpc.passkeyCounts, (req) => this.passkeys.counts(req.userIds));
    this.rpc.handle(Rpc.devicesPending, (req, ctx) => this.devices.pending(req.actor, ctx.correlationId));
    this.rpc.handle(Rpc.deviceDecide, (req, ctx) => this.devices.decide(req.actor, req.credentialId, req.decision, ctx.correlationId));
  }
}
