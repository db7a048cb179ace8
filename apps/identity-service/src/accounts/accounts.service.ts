import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type SignInReply, type SignInRequest, type UsersReply } from '@classconnect/contracts';
import { TokenService } from '@classconnect/auth';
import { PasswordHasher } from './password-hasher.js';
import { UserRepository } from './user.repository.js';

/** The one answer to every failed sign-in: it never says whether the account exists or is disabled. */
export function invalidCredentials(): DomainError {
  return new DomainError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
}

@Injectable()
export class AccountsService {
  /**
   * A hash of a password nobody knows. Checking an unknown email's password against it costs the
   * same as checking a real account's, so the response time does not reveal who has an account.
   */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly accounts: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenService,
  ) {
    this.dummyHash = passwords.hash(randomBytes(32).toString('base64url'));
    this.dummyHash.catch(() => undefined); // surfaced on first use, not as an unhandled rejection
  }

  async signIn({ email, password }: SignInRequest): Promise<SignInReply> {
    const user = await this.accounts.findByEmail(email);
    const passwordMatches = await this.passwords.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !passwordMatches || user.disabled) throw invalidCredentials();
    const summary = { id: user.id, email: user.email, name: user.name, role: user.role };
    const { token, expiresAt } = await this.tokens.issue({ userId: user.id, role: user.role, email: user.email, name: user.name });
    return { accessToken: token, expiresAt: expiresAt.toISOString(), user: summary };
  }

  async users(userIds: readonly string[]): Promise<UsersReply> {
    return { users: await this.accounts.findByIds(userIds) };
  }
}
