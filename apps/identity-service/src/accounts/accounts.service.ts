import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  EventSubjects,
  authorize,
  type AccountView,
  type CreateUserRequest,
  type ListUsersRequest,
  type SignInRequest,
  type UpdateUserRequest,
  type UserListReply,
  type UsersReply,
} from '@classconnect/contracts';
import { EventPublisher, type EventSink } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { UserRepository, type AccountChanges, type UserRecord } from '../users/user.repository.js';
import { PasskeyCounts } from './passkey-counts.port.js';
import { PasswordHasher } from './password-hasher.js';

/** The part of EventPublisher this service uses, so tests can pass a fake. */

/** The shortest search a teacher may run, and the most matches they get: enough to find a student, not to copy the directory. */
export const TeacherLookup = { minQueryLength: 3, maxResults: 20 } as const;

/** The one answer to every failed sign-in: it never says whether the account exists or is disabled. */
export function invalidCredentials(): DomainError {
  return new DomainError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
}

/**
 * Accounts: the password check sign-in relies on, the lookups other services make, and
 * administration — create (with or without a password), change, list. Teachers may look up
 * students by name or email, to add them to a course they teach. Every change is published on the
 * DIRECTORY stream, which the audit log records.
 */
@Injectable()
export class AccountsService {
  /**
   * A hash of a password nobody knows. Checking an unknown email's password against it costs the
   * same as checking a real account's, so the response time does not reveal who has an account.
   */
  private readonly dummyHash: Promise<string>;
  private readonly log = createLogger(AccountsService.name);

  constructor(
    @Inject(UserRepository) private readonly accounts: UserRepository,
    @Inject(PasswordHasher) private readonly passwords: PasswordHasher,
    @Inject(EventPublisher) private readonly events: EventSink,
    // Absent where only sign-in is tested: lists then carry no passkey counts.
    @Optional() @Inject(PasskeyCounts) private readonly passkeys?: PasskeyCounts,
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

  async create(req: CreateUserRequest, correlationId?: string): Promise<AccountView> {
    authorize(req.actor, 'user.manage');
    const passwordHash = req.password ? await this.passwords.hash(req.password) : null;
    const account = await this.accounts.create({ email: req.email, name: req.name, role: req.role, passwordHash });
    if (!account) throw new DomainError(ErrorCode.EMAIL_TAKEN, `An account with the email ${req.email} already exists.`);
    await this.events.publish(
      EventSubjects.accountCreated,
      {
        userId: account.id,
        email: account.email,
        name: account.name,
        role: account.role,
        hasPassword: account.hasPassword,
        changedBy: req.actor.userId,
        changedAt: new Date().toISOString(),
      },
      { dedupKey: `account.created:${account.id}`, about: account.id, correlationId },
    );
    return account;
  }

  async update(req: UpdateUserRequest, correlationId?: string): Promise<AccountView> {
    authorize(req.actor, 'user.manage');
    if (req.name === undefined && req.role === undefined && req.password === undefined) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Nothing to change: give a new name, role or password.');
    }
    if (req.targetUserId === req.actor.userId && req.role !== undefined && req.role !== req.actor.role) {
      // An admin who demotes themselves may leave the university without anyone to undo it.
      throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot change your own role; ask another administrator.');
    }
    const changes: AccountChanges = {
      ...(req.name !== undefined ? { name: req.name } : {}),
      ...(req.role !== undefined ? { role: req.role } : {}),
      ...(req.password !== undefined ? { passwordHash: await this.passwords.hash(req.password) } : {}),
    };
    const account = await this.accounts.update(req.targetUserId, changes);
    if (!account) throw new DomainError(ErrorCode.USER_NOT_FOUND, 'There is no such account.');
    await this.events.publish(
      EventSubjects.accountUpdated,
      {
        userId: account.id,
        changes: {
          ...(req.name !== undefined ? { name: req.name } : {}),
          ...(req.role !== undefined ? { role: req.role } : {}),
          ...(req.password !== undefined ? { passwordChanged: true as const } : {}),
        },
        changedBy: req.actor.userId,
        changedAt: new Date().toISOString(),
      },
      { dedupKey: `account.updated:${account.id}:${randomUUID()}`, about: account.id, correlationId },
    );
    return account;
  }

  /**
   * Admins (scope any): every account, filtered and paged. Teachers (scope own-course): students
   * only, and only by a search of at least 3 characters, at most 20 matches — enough to find the
   * student they want to add to their course, not to browse the directory.
   */
  async list(req: ListUsersRequest, correlationId?: string): Promise<UserListReply> {
    const scope = authorize(req.actor, 'user.read');
    if (scope === 'any') return this.withPasskeys(await this.accounts.search({ query: req.query || undefined, role: req.role, limit: req.limit, offset: req.offset }), correlationId);
    if (req.role !== undefined && req.role !== 'student') {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Teachers can look up students only.');
    }
    if (!req.query || req.query.length < TeacherLookup.minQueryLength) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `Type at least ${TeacherLookup.minQueryLength} letters of the student’s name or email to look them up.`,
        [{ path: 'query', message: `must be at least ${TeacherLookup.minQueryLength} characters for a teacher` }],
      );
    }
    return this.accounts.search({ query: req.query, role: 'student', limit: Math.min(req.limit, TeacherLookup.maxResults), offset: req.offset });
  }

  /**
   * An admin's page of accounts with each one's passkeys, as verification-service counts them now.
   * When it does not answer in time the page is still shown, without counts (unknown, not zero).
   */
  private async withPasskeys(page: UserListReply, correlationId?: string): Promise<UserListReply> {
    if (!this.passkeys || page.users.length === 0) return page;
    let counts;
    try {
      counts = new Map((await this.passkeys.of(page.users.map((u) => u.id), correlationId)).map((c) => [c.userId, c]));
    } catch (err) {
      this.log.warn({ err: (err as Error).message, correlationId }, 'passkey counts unavailable: the list is shown without them');
      return page;
    }
    return {
      ...page,
      users: page.users.map((u) => {
        const c = counts.get(u.id);
        return { ...u, passkeys: { approved: c?.approved ?? 0, pending: c?.pending ?? 0 } };
      }),
    };
  }
}
