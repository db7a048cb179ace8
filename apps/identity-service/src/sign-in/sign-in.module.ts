import { Module, type DynamicModule } from '@nestjs/common';
import type { IdentityConfig } from '../config.js';
import { OIDC_CONFIG, OidcClient, OpenIdClient } from './oidc-client.js';
import { NatsPasskeyAuthority, PasskeyAuthority } from './passkey-sign-in.port.js';
import { SignInEvents, StreamSignInEvents } from './revocation.publisher.js';
import { PostgresSignInAccounts, SignInAccounts } from './sign-in-accounts.repository.js';
import { PostgresSignInRepository, SignInRepository } from './sign-in.repository.js';
import { SignInRpc } from './sign-in.rpc.js';
import { SIGN_IN_OPTIONS, SignInService, type SignInOptions } from './sign-in.service.js';
import { PostgresSsoRepository, SsoRepository } from './sso.repository.js';
import { SsoService } from './sso.service.js';

/** Signing in and out: throttling, refresh-token rotation, sign-out, disabling, passkey and single sign-on. */
@Module({})
export class SignInModule {
  /** `accounts` is the AccountsModule instance the app imports (its password check and token service). */
  static forRoot(config: IdentityConfig, accounts: DynamicModule): DynamicModule {
    const options: SignInOptions = {
      maxPerEmail: config.SIGN_IN_MAX_FAILURES_PER_EMAIL,
      maxPerIp: config.SIGN_IN_MAX_FAILURES_PER_IP,
      windowSeconds: config.SIGN_IN_FAILURE_WINDOW_SECONDS,
      refreshIdleSeconds: config.REFRESH_TOKEN_IDLE_SECONDS,
    };
    return {
      module: SignInModule,
      imports: [accounts],
      providers: [
        { provide: SIGN_IN_OPTIONS, useValue: options },
        { provide: OIDC_CONFIG, useValue: config.oidc },
        { provide: SignInRepository, useClass: PostgresSignInRepository },
        { provide: SignInAccounts, useClass: PostgresSignInAccounts },
        { provide: SsoRepository, useClass: PostgresSsoRepository },
        { provide: SignInEvents, useClass: StreamSignInEvents },
        { provide: PasskeyAuthority, useClass: NatsPasskeyAuthority },
        { provide: OidcClient, useClass: OpenIdClient },
        SignInService,
        SsoService,
        SignInRpc,
      ],
    };
  }
}
