import { Module, type DynamicModule } from '@nestjs/common';
import { TokenService } from '@classconnect/auth';
import { AccountsModule } from '../accounts/accounts.module.js';
import type { IdentityConfig } from '../config.js';
import { ExternalIdentityRepository, PostgresExternalIdentityRepository } from './external-identity.repository.js';
import { OIDC_CONFIG, OidcClient, OpenIdClient } from './oidc-client.js';
import { NatsPasskeyAuthority, PasskeyAuthority } from './passkey-sign-in.port.js';
import { SignInEvents, StreamSignInEvents } from './revocation.publisher.js';
import { PostgresSignInFailureRepository, SignInFailureRepository } from './sign-in-failure.repository.js';
import { PostgresSignInRepository, SignInRepository } from './sign-in.repository.js';
import { SignInRpc } from './sign-in.rpc.js';
import { SIGN_IN_OPTIONS, SignInService, type SignInOptions } from './sign-in.service.js';
import { PostgresSsoRepository, SsoRepository } from './sso.repository.js';
import { SsoService } from './sso.service.js';

/**
 * Signing in and out: password (checked by accounts/), passkey and single sign-on; throttling,
 * the tokens, refresh-token rotation, sign-out, disabling an account.
 */
@Module({})
export class SignInModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    const options: SignInOptions = {
      maxPerEmail: config.SIGN_IN_MAX_FAILURES_PER_EMAIL,
      maxPerIp: config.SIGN_IN_MAX_FAILURES_PER_IP,
      windowSeconds: config.SIGN_IN_FAILURE_WINDOW_SECONDS,
      refreshIdleSeconds: config.REFRESH_TOKEN_IDLE_SECONDS,
    };
    return {
      module: SignInModule,
      imports: [AccountsModule],
      providers: [
        { provide: SIGN_IN_OPTIONS, useValue: options },
        { provide: OIDC_CONFIG, useValue: config.oidc },
        { provide: TokenService, useFactory: () => new TokenService(config.AUTH_TOKEN_SECRET, config.ACCESS_TOKEN_TTL_SECONDS) },
        { provide: SignInRepository, useClass: PostgresSignInRepository },
        { provide: SignInFailureRepository, useClass: PostgresSignInFailureRepository },
        { provide: ExternalIdentityRepository, useClass: PostgresExternalIdentityRepository },
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
