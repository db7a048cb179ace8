/** In-memory stand-ins for sign-in's ports, with the same semantics as the Postgres ones. */
import type { AuthenticationResponse, PasskeyAssertionReply, PasskeySignInOptionsReply, SignInRevokedReason } from '@classconnect/contracts';
import { DomainError, ErrorCode } from '@classconnect/contracts';
import type { FakeUserRepository } from '../../users/testing/fakes.js';
import type { ExternalIdentity } from '../../users/user.repository.js';
import { ExternalIdentityRepository } from '../external-identity.repository.js';
import { OidcClient, type AuthorizationRequest, type ProvenIdentity } from '../oidc-client.js';
import { PasskeyAuthority } from '../passkey-sign-in.port.js';
import { SignInEvents } from '../revocation.publisher.js';
import { SignInFailureRepository } from '../sign-in-failure.repository.js';
import { SignInRepository, type RotationResult, type SignInMethod } from '../sign-in.repository.js';
import { SsoRepository, type SsoTransaction } from '../sso.repository.js';

export class FakeSignInFailureRepository extends SignInFailureRepository {
  readonly failures: { key: string; at: number }[] = [];

  async nthRecentFailure(key: string, max: number, windowSeconds: number): Promise<Date | null> {
    const recent = this.failures.filter((f) => f.key === key && f.at > Date.now() - windowSeconds * 1000).sort((a, b) => b.at - a.at);
    return recent[max - 1] ? new Date(recent[max - 1]!.at) : null;
  }
  async recordFailure(keys: string[]): Promise<void> {
    for (const key of keys) this.failures.push({ key, at: Date.now() });
  }
  async clearFailures(key: string): Promise<void> {
    for (let i = this.failures.length - 1; i >= 0; i--) if (this.failures[i]!.key === key) this.failures.splice(i, 1);
  }
}

export class FakeSignInRepository extends SignInRepository {
  readonly signIns = new Map<string, { userId: string; method: SignInMethod; revoked?: string }>();
  readonly tokens = new Map<string, { signInId: string; expiresAt: Date; spent: boolean }>();
  isDisabled: (userId: string) => boolean = () => false;

  async createSignIn(id: string, userId: string, method: SignInMethod, tokenHash: Buffer, expiresAt: Date): Promise<void> {
    this.signIns.set(id, { userId, method });
    this.tokens.set(tokenHash.toString('hex'), { signInId: id, expiresAt, spent: false });
  }
  async rotate(tokenHash: Buffer, nextHash: Buffer, nextExpiresAt: Date): Promise<RotationResult> {
    const token = this.tokens.get(tokenHash.toString('hex'));
    const signIn = token && this.signIns.get(token.signInId);
    if (!token || !signIn || signIn.revoked || token.expiresAt.getTime() <= Date.now() || this.isDisabled(signIn.userId)) return { outcome: 'invalid' };
    if (token.spent) {
      signIn.revoked = 'refresh-token-reused';
      return { outcome: 'reused', signInId: token.signInId, userId: signIn.userId };
    }
    token.spent = true;
    this.tokens.set(nextHash.toString('hex'), { signInId: token.signInId, expiresAt: nextExpiresAt, spent: false });
    return { outcome: 'rotated', signInId: token.signInId, userId: signIn.userId };
  }
  async revoke(userId: string, ids: string[] | 'all', reason: string): Promise<string[]> {
    const done: string[] = [];
    for (const [id, s] of this.signIns) {
      if (s.userId !== userId || s.revoked || (ids !== 'all' && !ids.includes(id))) continue;
      s.revoked = reason;
      done.push(id);
    }
    return done;
  }
}

/** Links land in the users fake, where its findByExternal looks. */
export class FakeExternalIdentityRepository extends ExternalIdentityRepository {
  constructor(private readonly users: FakeUserRepository) {
    super();
  }
  async link({ issuer, subject }: ExternalIdentity, userId: string): Promise<void> {
    this.users.links.set(`${issuer} ${subject}`, userId);
  }
}

export class RecordedEvents extends SignInEvents {
  readonly revocations: { userId: string; signInIds: string[]; everywhere: boolean; reason: SignInRevokedReason }[] = [];
  readonly statuses: { userId: string; disabled: boolean; changedBy: string }[] = [];
  async revoked(userId: string, signInIds: string[], everywhere: boolean, reason: SignInRevokedReason): Promise<void> {
    this.revocations.push({ userId, signInIds, everywhere, reason });
  }
  async statusChanged(userId: string, disabled: boolean, changedBy: string): Promise<void> {
    this.statuses.push({ userId, disabled, changedBy });
  }
}

/** Says every answer comes from `owner`'s passkey, unless told to refuse. */
export class FakePasskeyAuthority extends PasskeyAuthority {
  owner = '';
  refuse?: DomainError;
  async options(): Promise<PasskeySignInOptionsReply> {
    return { options: { challenge: 'c', userVerification: 'required', allowCredentials: [] }, expiresAt: new Date().toISOString() };
  }
  async verify(_response: AuthenticationResponse): Promise<PasskeyAssertionReply> {
    if (this.refuse) throw this.refuse;
    return { userId: this.owner, credentialId: 'cred' };
  }
}

export class FakeSsoRepository extends SsoRepository {
  readonly transactions = new Map<string, SsoTransaction>();
  readonly codes = new Map<string, string>();
  async saveTransaction(t: SsoTransaction): Promise<void> {
    this.transactions.set(t.state, t);
  }
  async takeTransaction(state: string): Promise<SsoTransaction | null> {
    const t = this.transactions.get(state) ?? null;
    this.transactions.delete(state);
    return t;
  }
  async saveCode(codeHash: Buffer, userId: string): Promise<void> {
    this.codes.set(codeHash.toString('hex'), userId);
  }
  async takeCode(codeHash: Buffer): Promise<string | null> {
    const id = this.codes.get(codeHash.toString('hex')) ?? null;
    this.codes.delete(codeHash.toString('hex'));
    return id;
  }
}

/** A provider that vouches for `next` (or fails the exchange when it is null). */
export class FakeOidcClient extends OidcClient {
  readonly enabled = true;
  readonly label = 'Sign in with Test University';
  next: ProvenIdentity | null = null;
  private n = 0;
  async authorizationRequest(): Promise<AuthorizationRequest> {
    const state = `state-${++this.n}`;
    return { url: `https://login.uni.test/authorize?state=${state}`, state, nonce: `nonce-${this.n}`, codeVerifier: `verifier-${this.n}` };
  }
  async finish(): Promise<ProvenIdentity> {
    if (!this.next) throw new Error('id token signature invalid');
    return this.next;
  }
}

export { DomainError, ErrorCode };
