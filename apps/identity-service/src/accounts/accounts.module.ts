import { Module, type DynamicModule } from '@nestjs/common';
import { TokenService } from '@classconnect/auth';
import { AccountsRpc } from './accounts.rpc.js';
import { AccountsService } from './accounts.service.js';
import { Argon2PasswordHasher, PasswordHasher } from './password-hasher.js';
import { PostgresUserRepository, UserRepository } from './user.repository.js';

export interface AccountsOptions {
  tokenSecret: string;
  accessTokenTtlSeconds: number;
}

/** Accounts and sign-in. */
@Module({})
export class AccountsModule {
  static forRoot(opts: AccountsOptions): DynamicModule {
    return {
      module: AccountsModule,
      providers: [
        { provide: TokenService, useFactory: () => new TokenService(opts.tokenSecret, opts.accessTokenTtlSeconds) },
        { provide: PasswordHasher, useClass: Argon2PasswordHasher },
        { provide: UserRepository, useClass: PostgresUserRepository },
        AccountsService,
        AccountsRpc,
      ],
      // sign-in/ issues tokens for the accounts checked here
      exports: [TokenService, AccountsService, UserRepository],
    };
  }
}
