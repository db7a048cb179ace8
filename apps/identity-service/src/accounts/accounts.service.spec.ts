import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode, type UserSummary } from '@classconnect/contracts';
import { AccountsService } from './accounts.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UserRepository, type UserRecord } from './user.repository.js';

class FakePasswordHasher extends PasswordHasher {
  readonly verified: string[] = [];
  async hash(password: string): Promise<string> {
    return `hash(${password})`;
  }
  async verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(hash);
    return hash === `hash(${password})`;
  }
}

class FakeUserRepository extends UserRepository {
  constructor(private readonly records: UserRecord[]) {
    super();
  }
  async findByEmail(email: string): Promise<UserRecord | null> {
    return this.records.find((u) => u.email === email) ?? null;
  }
  async findByIds(ids: readonly string[]): Promise<UserSummary[]> {
    return this.records.filter((u) => ids.includes(u.id)).map(({ id, email, name, role }) => ({ id, email, name, role }));
  }
}

const ada: UserRecord = {
  id: '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a01',
  email: 'ada@uni.test',
  name: 'Ada Lovelace',
  role: 'teacher',
  passwordHash: 'hash(right-password)',
  disabled: false,
};
const gone: UserRecord = { ...ada, id: '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a02', email: 'gone@uni.test', name: 'Gone Student', role: 'student', disabled: true };

function setUp() {
  const hasher = new FakePasswordHasher();
  const service = new AccountsService(new FakeUserRepository([ada, gone]), hasher);
  return { service, hasher };
}

async function failureOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected the sign-in to fail');
}

describe('AccountsService.checkPassword', () => {
  it('returns the account for the right password', async () => {
    const { service } = setUp();
    const user = await service.checkPassword({ email: 'ada@uni.test', password: 'right-password' });
    expect(user).toEqual(ada);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS', async () => {
    const { service } = setUp();
    const error = await failureOf(service.checkPassword({ email: 'ada@uni.test', password: 'wrong' }));
    expect(error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
  });

  it('gives an unknown email exactly the same error, after checking a password all the same', async () => {
    const { service, hasher } = setUp();
    const wrongPassword = await failureOf(service.checkPassword({ email: 'ada@uni.test', password: 'wrong' }));
    const unknownEmail = await failureOf(service.checkPassword({ email: 'nobody@uni.test', password: 'right-password' }));
    expect(unknownEmail.toBody()).toEqual(wrongPassword.toBody());
    expect(unknownEmail.message).not.toMatch(/exist|found|unknown|account|disabled/i);
    // Both attempts paid for one password check: timing does not tell them apart.
    expect(hasher.verified).toHaveLength(2);
    expect(hasher.verified[1]).toMatch(/^hash\(.+\)$/);
    expect(hasher.verified[1]).not.toBe(ada.passwordHash);
  });

  it('refuses a disabled account with the same error, even with its right password', async () => {
    const { service } = setUp();
    const disabled = await failureOf(service.checkPassword({ email: 'gone@uni.test', password: 'right-password' }));
    const wrongPassword = await failureOf(service.checkPassword({ email: 'ada@uni.test', password: 'wrong' }));
    expect(disabled.toBody()).toEqual(wrongPassword.toBody());
  });
});

describe('AccountsService.users', () => {
  it('returns the accounts it knows and leaves unknown ids out', async () => {
    const { service } = setUp();
    const reply = await service.users([ada.id, '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0aff']);
    expect(reply.users).toEqual([{ id: ada.id, email: ada.email, name: ada.name, role: 'teacher' }]);
  });
});
