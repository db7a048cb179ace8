import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type SignInRequest, type UsersReply } from '@classconnect/contracts';
import { PasswordHasher } from './password-hasher.js';
import { UserRepository, type UserRecord } from './user.repository.js';

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
  ) {
    this.dummyHash = passwords.hash(randomBytes(32).toString('base64url'));
    this.dummyHash.catch(() => undefined); // surfaced on first use, not as an unhandled rejection
  }

  /**
   * The account these credentials open, or INVALID_CREDENTIALS. Tokens are issued by SignInService
   * (sign-in/), which also throttles repeated failures.
   */
  async checkPassword({ email, password }: SignInRequest): Promise<UserRecord> {
    const user = await this.accounts.findByEmail(email);
    const passwordMatches = await this.passwords.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !passwordMatches || user.disabled) throw invalidCredentials();
    return user;
  }

  async users(userIds: readonly string[]): Promise<UsersReply> {
    return { users: await this.accounts.findByIds(userIds) };
  }
}
