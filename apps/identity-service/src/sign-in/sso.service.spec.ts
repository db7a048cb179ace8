import { describe, expect, it } from '@jest/globals';
import { TokenService } from '@classconnect/auth';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import { AccountsService } from '../accounts/accounts.service.js';
import { FakePasswordHasher } from '../accounts/testing/fakes.js';
import { FakeUserRepository } from '../users/testing/fakes.js';
import type { UserRecord } from '../users/user.repository.js';
import { SignInService } from './sign-in.service.js';
import { SsoService } from './sso.service.js';
import {
  FakeExternalIdentityRepository,
  FakeOidcClient,
  FakePasskeyAuthority,
  FakeSignInFailureRepository,
  FakeSignInRepository,
  FakeSsoRepository,
  RecordedEvents,
} from './testing/fakes.js';

const Issuer = 'https://login.uni.test';
const existing: UserRecord = { id: '00000000-0000-4000-8000-0000000000e1', email: 'ada@uni.test', name: 'Ada', role: 'teacher', passwordHash: 'h', disabled: false };

function setUp() {
  const accounts = new FakeUserRepository([{ ...existing }]);
  const users = accounts.users;
  const password = new AccountsService(accounts, new FakePasswordHasher(), { publish: async () => ({}) as never });
  const signIn = new SignInService(password, accounts, new FakeSignInRepository(), new FakeSignInFailureRepository(), new TokenService('x'.repeat(32)), new RecordedEvents(), new FakePasskeyAuthority(), {
    maxPerEmail: 5,
    maxPerIp: 100,
    windowSeconds: 900,
    refreshIdleSeconds: 86_400,
  });
  const provider = new FakeOidcClient();
  const repo = new FakeSsoRepository();
  const sso = new SsoService(provider, repo, accounts, new FakeExternalIdentityRepository(accounts), signIn, { OIDC_DEFAULT_ROLE: 'student' });
  /** A whole login: start, the provider vouches for `who`, callback from the same browser, exchange. */
  async function login(who: FakeOidcClient['next'], binding = 'browser-binding-0123456789') {
    const { url } = await sso.start(binding);
    const state = new URL(url).searchParams.get('state')!;
    provider.next = who;
    const { code } = await sso.callback(`code=abc&state=${state}`, binding);
    return sso.exchange(code);
  }
  return { sso, provider, repo, users, login };
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

describe('SsoService', () => {
  it('creates an account with the default role, then finds it again by subject even when the email changes', async () => {
    const { login, users } = setUp();
    const first = await login({ issuer: Issuer, subject: 's-1', email: 'Grace@Uni.test', emailVerified: true, name: 'Grace' });
    expect(first.user).toMatchObject({ email: 'grace@uni.test', name: 'Grace', role: 'student' });
    const again = await login({ issuer: Issuer, subject: 's-1', email: 'grace.h@uni.test', emailVerified: true });
    expect(again.user.id).toBe(first.user.id);
    expect(users).toHaveLength(2);
  });

  it('treats a claim that cannot be stored (a control character) as not given: the name falls back to the email, an email to none', async () => {
    const { login } = setUp();
    const named = await login({ issuer: Issuer, subject: 's-9', email: 'nul@uni.test', emailVerified: true, name: 'Bad\u0000Name' });
    expect(named.user).toMatchObject({ email: 'nul@uni.test', name: 'nul' });
    expect((await failure(login({ issuer: Issuer, subject: 's-10', email: 'x\u0000@uni.test', emailVerified: true, name: 'X' }))).issues?.[0]?.message).toBe('no-email');
    const composed = await login({ issuer: Issuer, subject: 's-11', email: 'zoe@uni.test', emailVerified: true, name: ' Zoe\u0308 ' });
    expect(composed.user.name).toBe('Zoë');
    const long = await login({ issuer: Issuer, subject: 's-12', email: 'long@uni.test', emailVerified: true, name: `Two\nlines ${'x'.repeat(189)}😀` });
    expect(long.user.name).toBe(`Two lines ${'x'.repeat(189)}`); // 199 code units: the emoji would not fit whole

  });

  it('links an existing account by verified email only', async () => {
    const { login } = setUp();
    expect((await failure(login({ issuer: Issuer, subject: 's-2', email: 'ada@uni.test', emailVerified: false }))).issues?.[0]?.message).toBe('email-taken');
    expect((await login({ issuer: Issuer, subject: 's-2', email: 'ada@uni.test', emailVerified: true })).user.id).toBe(existing.id);
    expect((await login({ issuer: Issuer, subject: 's-2', emailVerified: false })).user.id).toBe(existing.id);
    // The same subject at another issuer is another person.
    expect((await failure(login({ issuer: 'https://other.test', subject: 's-2', emailVerified: false }))).issues?.[0]?.message).toBe('no-email');
  });

  it('refuses an unknown or foreign state, a provider error, a failed exchange, a reused code and a disabled account', async () => {
    const { sso, provider, login, users } = setUp();
    const reason = async (p: Promise<unknown>) => {
      const err = await failure(p);
      expect(err.code).toBe(ErrorCode.SSO_FAILED);
      return err.issues?.[0]?.message;
    };
    expect(await reason(sso.callback('code=abc&state=made-up', 'browser-binding-0123456789'))).toBe('state');
    const { url } = await sso.start('browser-binding-0123456789');
    const state = new URL(url).searchParams.get('state')!;
    expect(await reason(sso.callback(`code=abc&state=${state}`, 'another-browser-binding-000'))).toBe('state');
    // Consumed by that attempt: the right browser cannot use it afterwards either.
    expect(await reason(sso.callback(`code=abc&state=${state}`, 'browser-binding-0123456789'))).toBe('state');
    const second = new URL((await sso.start('browser-binding-0123456789')).url).searchParams.get('state')!;
    expect(await reason(sso.callback(`error=access_denied&state=${second}`, 'browser-binding-0123456789'))).toBe('provider');
    expect(await reason(login(null))).toBe('exchange');

    const third = new URL((await sso.start('browser-binding-0123456789')).url).searchParams.get('state')!;
    provider.next = { issuer: Issuer, subject: 's-9', email: 'ada@uni.test', emailVerified: true };
    const { code } = await sso.callback(`code=abc&state=${third}`, 'browser-binding-0123456789');
    await sso.exchange(code);
    expect(await reason(sso.exchange(code))).toBe('expired');

    users[0]!.disabled = true;
    expect((await failure(login({ issuer: Issuer, subject: 's-9', emailVerified: true }))).code).toBe(ErrorCode.ACCOUNT_DISABLED);
  });
});
