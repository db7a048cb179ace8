import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode, type Actor } from '@classconnect/contracts';
import type { UserRecord } from '../users/user.repository.js';
import { FakeUserRepository } from '../users/testing/fakes.js';
import type { EventSink } from '@classconnect/messaging';
import { AccountsService } from './accounts.service.js';
import { PasskeyCounts } from './passkey-counts.port.js';
import { FakePasswordHasher } from './testing/fakes.js';

const ada: UserRecord = {
  id: '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a01',
  email: 'ada@uni.test',
  name: 'Ada Lovelace',
  role: 'teacher',
  passwordHash: 'hash(right-password)',
  disabled: false,
};
const gone: UserRecord = { ...ada, id: '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0a02', email: 'gone@uni.test', name: 'Gone Student', role: 'student', disabled: true };

const admin: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'admin' };
const teacher: Actor = { userId: '22222222-2222-4222-8222-222222222222', role: 'teacher' };
const student: Actor = { userId: '33333333-3333-4333-8333-333333333333', role: 'student' };

function setUp(accounts: UserRecord[] = [{ ...ada }, { ...gone }]) {
  const users = new FakeUserRepository(accounts);
  const hasher = new FakePasswordHasher();
  const published: { subject: string; data: unknown }[] = [];
  const events: EventSink = { publish: async (subject, data) => (published.push({ subject, data }), {} as never) };
  return { users, hasher, published, service: new AccountsService(users, hasher, events) };
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

describe('AccountsService: password check', () => {
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

describe('AccountsService: lookups', () => {
  it('returns the accounts it knows and leaves unknown ids out', async () => {
    const { service } = setUp();
    const reply = await service.users([ada.id, '5d0c1a52-3f1e-4a8e-9a4e-2b1f0c0d0aff']);
    expect(reply.users).toEqual([{ id: ada.id, email: ada.email, name: ada.name, role: 'teacher' }]);
  });
});

describe('AccountsService: administration', () => {
  it('creates an account (argon2 hash, no password allowed), publishes who did it, and refuses a taken email', async () => {
    const { users, published, service } = setUp([]);
    const made = await service.create({ actor: admin, email: 'ada@uni.test', name: 'Ada', role: 'teacher', password: 'long-enough' });
    expect(made).toMatchObject({ email: 'ada@uni.test', hasPassword: true });
    expect((await users.findById(made.id))?.passwordHash).toBe('hash(long-enough)');
    const sso = await service.create({ actor: admin, email: 'sso@uni.test', name: 'Sso', role: 'student' });
    expect(sso.hasPassword).toBe(false);
    expect(published).toEqual([
      { subject: 'directory.account.created.v1', data: expect.objectContaining({ userId: made.id, role: 'teacher', hasPassword: true, changedBy: admin.userId }) },
      { subject: 'directory.account.created.v1', data: expect.objectContaining({ userId: sso.id, hasPassword: false }) },
    ]);
    await expect(service.create({ actor: admin, email: 'ada@uni.test', name: 'Other', role: 'student' })).rejects.toMatchObject({ code: ErrorCode.EMAIL_TAKEN });
    expect(published).toHaveLength(2);
  });

  it('lets only admins create or change accounts', async () => {
    const { service } = setUp([]);
    for (const actor of [teacher, student]) {
      await expect(service.create({ actor, email: 'x@uni.test', name: 'X', role: 'admin' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.update({ actor, targetUserId: admin.userId, role: 'student' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
  });

  it('changes name, role and password, never publishing the password, and refuses unknown accounts and self-demotion', async () => {
    const { published, service } = setUp([]);
    const made = await service.create({ actor: admin, email: 'ada@uni.test', name: 'Ada', role: 'student' });
    const changed = await service.update({ actor: admin, targetUserId: made.id, role: 'teacher', password: 'new-password' });
    expect(changed).toMatchObject({ role: 'teacher', hasPassword: true });
    expect(published[1]).toEqual({ subject: 'directory.account.updated.v1', data: expect.objectContaining({ changes: { role: 'teacher', passwordChanged: true } }) });
    expect(JSON.stringify(published)).not.toContain('new-password');
    await expect(service.update({ actor: admin, targetUserId: '99999999-9999-4999-8999-999999999999', name: 'N' })).rejects.toMatchObject({ code: ErrorCode.USER_NOT_FOUND });
    await expect(service.update({ actor: admin, targetUserId: admin.userId, role: 'teacher' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.update({ actor: admin, targetUserId: made.id })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
  });

  it('lets teachers look up students only, by a search of 3 characters, 20 at most; students not at all', async () => {
    const { users, service } = setUp([]);
    await service.list({ actor: teacher, query: 'okafor', limit: 200, offset: 0 });
    expect(users.searches.at(-1)).toEqual({ query: 'okafor', role: 'student', limit: 20, offset: 0 });
    await expect(service.list({ actor: teacher, query: 'ok', limit: 10, offset: 0 })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    await expect(service.list({ actor: teacher, query: 'okafor', role: 'teacher', limit: 10, offset: 0 })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.list({ actor: student, query: 'okafor', limit: 10, offset: 0 })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await service.list({ actor: admin, role: 'teacher', limit: 100, offset: 5 });
    expect(users.searches.at(-1)).toEqual({ query: undefined, role: 'teacher', limit: 100, offset: 5 });
  });

  it('gives an admin’s list each person’s passkeys as verification-service counts them; without an answer, no counts (not zero)', async () => {
    const counted: string[][] = [];
    let answering = true;
    const passkeys = new (class extends PasskeyCounts {
      async of(userIds: readonly string[]) {
        counted.push([...userIds]);
        if (!answering) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'verification-service did not answer');
        return [{ userId: gone.id, approved: 2, pending: 1 }];
      }
    })();
    const users = new FakeUserRepository([{ ...ada }, { ...gone }]);
    const service = new AccountsService(users, new FakePasswordHasher(), { publish: async () => ({}) as never }, passkeys);

    const page = await service.list({ actor: admin, limit: 50, offset: 0 });
    expect(page.users.map((u) => [u.email, u.passkeys])).toEqual(
      expect.arrayContaining([
        ['ada@uni.test', { approved: 0, pending: 0 }],
        ['gone@uni.test', { approved: 2, pending: 1 }],
      ]),
    );
    expect(counted).toEqual([page.users.map((u) => u.id)]);

    answering = false;
    const without = await service.list({ actor: admin, limit: 50, offset: 0 });
    expect(without.users).toHaveLength(2);
    for (const u of without.users) expect(u).not.toHaveProperty('passkeys');

    // A teacher's lookup of students is not the admin's list: it asks nothing and shows no counts.
    answering = true;
    const looked = await service.list({ actor: teacher, query: 'gone', limit: 10, offset: 0 });
    expect(counted).toHaveLength(2);
    for (const u of looked.users) expect(u).not.toHaveProperty('passkeys');
  });
});
