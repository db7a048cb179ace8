import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { SignInService } from './sign-in.service.js';
import { SsoService } from './sso.service.js';

@Injectable()
export class SignInRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(SignInService) private readonly signIn: SignInService,
    @Inject(SsoService) private readonly sso: SsoService,
  ) {}

  onApplicationBootstrap(): void {
    // The first sign-in subject (clients of the gateway that do not pass an address) gets the same treatment.
    this.rpc.handle(Rpc.identitySignIn, (req) => this.signIn.passwordSignIn(req));
    this.rpc.handle(Rpc.identityPasswordSignIn, (req) => this.signIn.passwordSignIn(req));
    this.rpc.handle(Rpc.identityRefresh, (req, ctx) => this.signIn.refresh(req, ctx.correlationId));
    this.rpc.handle(Rpc.identitySignOut, (req, ctx) => this.signIn.signOut(req, ctx.correlationId));
    this.rpc.handle(Rpc.identitySetDisabled, (req, ctx) => this.signIn.setDisabled(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityPasskeySignInOptions, (_req, ctx) => this.signIn.passkeyOptions(ctx.correlationId));
    this.rpc.handle(Rpc.identityPasskeySignIn, (req, ctx) => this.signIn.passkeySignIn(req, ctx.correlationId));
    this.rpc.handle(Rpc.identityAuthConfig, async () => this.sso.authConfig());
    this.rpc.handle(Rpc.identitySsoStart, (req) => this.sso.start(req.browserBinding));
    this.rpc.handle(Rpc.identitySsoCallback, (req) => this.sso.callback(req.query, req.browserBinding));
    this.rpc.handle(Rpc.identitySsoExchange, (req) => this.sso.exchange(req.code));
  }
}
