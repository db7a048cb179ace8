import { describe, expect, it } from '@jest/globals';
import { TokenService } from '@classconnect/auth';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { AccountsService } from '../accounts/accounts.service.js';
import { FakePasswordHasher } from '../accounts/testing/fakes.js';
import { FakeUserRepository } from '../users/testing/fakes.js';
import type { UserRecord } from '../users/user.repository.js';
import { SignInService } from './sign-in.service.js';
import { FakePasskeyAuthority, FakeSignInFailureRepository, FakeSignInRepository, RecordedEvents } from './testing/fakes.js';

const Secret = 'a-test-secret-that-is-at-least-32-characters-long';

const admin: UserRecord = { id: '00000000-0000-4000-8000-00000000000a', email: 'admin@uni.test', name: 'Admin', role: 'admin', passwordHash: 'hash(admin-pass)', disabled: false };
const teacher: UserRecord = { ...admin, id: '00000000-0000-4000-8000-00000000000b', email: 'teacher@uni.test', name: 'Teacher', role: 'teacher', passwordHash: 'hash(teacher-pass)' };
const student: UserRecord = { ...admin, id: '00000000-0000-4000-8000-00000000000c', email: 'student@uni.test', name: 'Student', role: 'student', passwordHash: 'hash(student-pass)' };

function setUp() {
  const accounts = new FakeUserRepository([{ ...admin }, { ...teacher }, { ...student }]);
  const repo = new FakeSignInRepository();
  repo.isDisabled = (id) => accounts.users.find((u) => u.id === id)?.disabled ?? true;
  const failures = new FakeSignInFailureRepository();
  const events = new RecordedEvents();
  const passkeys = new FakePasskeyAuthority();
  const tokens = new TokenService(Secret, 900);
  const password = new AccountsService(accounts, new FakePasswordHasher(), { publish: async () => ({}) as never });
  const service = new SignInService(password, accounts, repo, failures, tokens, events, passkeys, {
    maxPerEmail: 5,
    maxPerIp: 8,
    windowSeconds: 900,
    refreshIdleSeconds: 30 * 86_400,
  });
  return { service, repo, failures, events, passkeys, tokens, accounts };
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('SignInService: passwords and throttling', () => {
  it('issues an access token carrying the sign-in id, and a refresh token', async () => {
    const { service, tokens } = setUp();
    const reply = await service.passwordSignIn({ email: student.email, password: 'student-pass' });
    expect(reply.refreshToken).toMatch(/^rt_/);
    expect(await tokens.verify(reply.accessToken)).toMatchObject({ userId: student.id, sid: reply.signInId });
  });

  it('answers the 6th failure the same for a real and an unknown email, and stores no address in clear', async () => {
    const { service, failures } = setUp();
    for (let i = 0; i < 5; i++) {
      expect((await failure(service.passwordSignIn({ email: student.email, password: 'x' }))).code).toBe(ErrorCode.INVALID_CREDENTIALS);
      expect((await failure(service.passwordSignIn({ email: 'ghost@uni.test', password: 'x' }))).code).toBe(ErrorCode.INVALID_CREDENTIALS);
    }
    const real = await failure(service.passwordSignIn({ email: student.email, password: 'student-pass' }));
    const ghost = await failure(service.passwordSignIn({ email: 'ghost@uni.test', password: 'x' }));
    expect(real.code).toBe(ErrorCode.SIGN_IN_THROTTLED);
    expect(ghost.toBody()).toEqual(real.toBody());
    expect(real.retryAfterSeconds).toBeGreaterThan(890);
    expect(JSON.stringify(failures.failures)).not.toContain('uni.test');
  });

  it('throttles an address that fails across many emails, and forgets an email’s failures on success', async () => {
    const { service } = setUp();
    for (let i = 0; i < 4; i++) await failure(service.passwordSignIn({ email: teacher.email, password: 'x', clientIp: '10.0.0.1' }));
    await service.passwordSignIn({ email: teacher.email, password: 'teacher-pass', clientIp: '10.0.0.1' });
    for (let i = 0; i < 4; i++) expect((await failure(service.passwordSignIn({ email: teacher.email, password: 'x', clientIp: '10.0.0.2' }))).code).toBe(ErrorCode.INVALID_CREDENTIALS);
    // 10.0.0.1 has 4 failures and 10.0.0.2 has 4; four more from .1 on other emails reach its limit of 8.
    for (let i = 0; i < 4; i++) await failure(service.passwordSignIn({ email: `other${i}@uni.test`, password: 'x', clientIp: '10.0.0.1' }));
    expect((await failure(service.passwordSignIn({ email: student.email, password: 'student-pass', clientIp: '10.0.0.1' }))).code).toBe(ErrorCode.SIGN_IN_THROTTLED);
    await expect(service.passwordSignIn({ email: student.email, password: 'student-pass', clientIp: '10.0.0.3' })).resolves.toBeDefined();
  });
});

describe('SignInService: refresh, sign-out, disabling', () => {
  it('rotates, and a spent token ends the family and is published as reuse', async () => {
    const { service, events } = setUp();
    const first = await service.passwordSignIn({ email: student.email, password: 'student-pass' });
    const second = await service.refresh({ refreshToken: first.refreshToken! });
    expect(second.signInId).toBe(first.signInId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await failure(service.refresh({ refreshToken: first.refreshToken! }))).code).toBe(ErrorCode.REFRESH_TOKEN_REUSED);
    expect(events.revocations).toEqual([{ userId: student.id, signInIds: [first.signInId], everywhere: false, reason: 'refresh-token-reused' }]);
    expect((await failure(service.refresh({ refreshToken: second.refreshToken! }))).code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
  });

  it('signs out one sign-in or all of them, publishing each', async () => {
    const { service, events } = setUp();
    const a = await service.passwordSignIn({ email: student.email, password: 'student-pass' });
    const b = await service.passwordSignIn({ email: student.email, password: 'student-pass' });
    const c = await service.passwordSignIn({ email: student.email, password: 'student-pass' });
    const actor = { userId: student.id, role: 'student' as const };
    expect(await service.signOut({ actor, signInId: a.signInId!, everywhere: false })).toEqual({ revoked: 1 });
    expect(await service.signOut({ actor, signInId: a.signInId!, everywhere: false })).toEqual({ revoked: 0 });
    expect(await service.signOut({ actor, everywhere: true })).toEqual({ revoked: 2 });
    expect(events.revocations.at(-1)).toEqual({ userId: student.id, signInIds: [b.signInId, c.signInId], everywhere: true, reason: 'signed-out-everywhere' });
    expect((await failure(service.refresh({ refreshToken: c.refreshToken! }))).code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
  });

  it('lets only administrators disable others, ends every sign-in, publishes both facts, and refuses passkeys meanwhile', async () => {
    const { service, events, passkeys } = setUp();
    const signedIn = await service.passwordSignIn({ email: student.email, password: 'student-pass' });
    const asTeacher = { userId: teacher.id, role: 'teacher' as const };
    const asAdmin = { userId: admin.id, role: 'admin' as const };
    expect((await failure(service.setDisabled({ actor: asTeacher, targetUserId: student.id, disabled: true }))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await failure(service.setDisabled({ actor: asAdmin, targetUserId: admin.id, disabled: true }))).code).toBe(ErrorCode.FORBIDDEN);
    expect(await service.setDisabled({ actor: asAdmin, targetUserId: student.id, disabled: true })).toEqual({ userId: student.id, disabled: true, changed: true });
    expect(events.revocations).toEqual([{ userId: student.id, signInIds: [signedIn.signInId], everywhere: true, reason: 'account-disabled' }]);
    expect(events.statuses).toEqual([{ userId: student.id, disabled: true, changedBy: admin.id }]);
    expect((await failure(service.passwordSignIn({ email: student.email, password: 'student-pass' }))).code).toBe(ErrorCode.INVALID_CREDENTIALS);
    passkeys.owner = student.id;
    expect((await failure(service.passkeySignIn({ response: {} as never }))).code).toBe(ErrorCode.ACCOUNT_DISABLED);

    expect(await service.setDisabled({ actor: asAdmin, targetUserId: student.id, disabled: false })).toMatchObject({ changed: true });
    expect(await service.setDisabled({ actor: asAdmin, targetUserId: student.id, disabled: false })).toMatchObject({ changed: false });
    await expect(service.passkeySignIn({ response: {} as never })).resolves.toMatchObject({ user: { id: student.id } });
  });
});
