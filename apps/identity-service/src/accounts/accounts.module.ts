import { Module } from '@nestjs/common';
import { AccountsRpc } from './accounts.rpc.js';
import { AccountsService } from './accounts.service.js';
import { NatsPasskeyCounts, PasskeyCounts } from './passkey-counts.port.js';
import { Argon2PasswordHasher, PasswordHasher } from './password-hasher.js';

/** Accounts: the password check sign-in relies on, lookups by id, and administration (create, change, list with passkey counts). */
@Module({
  providers: [{ provide: PasswordHasher, useClass: Argon2PasswordHasher }, { provide: PasskeyCounts, useClass: NatsPasskeyCounts }, AccountsService, AccountsRpc],
  // sign-in/ checks passwords here before it issues tokens
  exports: [AccountsService],
})
export class AccountsModule {}
