import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ControlCharacter, DomainError, ErrorCode, LoneSurrogate, type AuthConfigReply, type SignInReply, type SsoCallbackReply, type SsoStartReply } from '@classconnect/contracts';
import type { OidcConfig } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import { UserRepository, type UserRecord } from '../users/user.repository.js';
import { ExternalIdentityRepository } from './external-identity.repository.js';
import { OIDC_CONFIG, OidcClient, type ProvenIdentity } from './oidc-client.js';
import { SignInService, accountDisabled, hashToken } from './sign-in.service.js';
import { SsoRepository } from './sso.repository.js';

/** How long the provider's login may take. */
const TransactionTtlSeconds = 10 * 60;
/** How long the web client has to exchange the one-time code. */
const CodeTtlSeconds = 2 * 60;

/**
 * The reasons single sign-on fails, as the `reason` of SSO_FAILED the web client shows a sentence for
 * (the gateway passes it in the return address's fragment).
 */
export type SsoFailure = 'state' | 'provider' | 'exchange' | 'no-email' | 'email-taken' | 'expired';

export function ssoFailed(reason: SsoFailure, message: string): DomainError {
  return new DomainError(ErrorCode.SSO_FAILED, message, [{ path: 'reason', message: reason }]);
}

/**
 * University single sign-on. Matching, in order: the provider's (issuer, subject) already linked;
 * else an account with the provider's verified email, which gets linked; else a new account with the
 * default role. Tokens never travel in a URL: the callback yields a one-time code for the web client.
 */
@Injectable()
export class SsoService {
  private readonly log = createLogger('SsoService');

  constructor(
    @Inject(OidcClient) private readonly provider: OidcClient,
    @Inject(SsoRepository) private readonly repo: SsoRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(ExternalIdentityRepository) private readonly links: ExternalIdentityRepository,
    @Inject(SignInService) private readonly signIn: SignInService,
    @Inject(OIDC_CONFIG) private readonly config: Pick<OidcConfig, 'OIDC_DEFAULT_ROLE'>,
  ) {}

  authConfig(): AuthConfigReply {
    return { password: true, passkey: true, sso: this.provider.enabled ? { enabled: true, label: this.provider.label } : { enabled: false } };
  }

  async start(browserBinding: string): Promise<SsoStartReply> {
    this.requireEnabled();
    const request = await this.provider.authorizationRequest();
    await this.repo.saveTransaction(
      { state: request.state, nonce: request.nonce, codeVerifier: request.codeVerifier, browserBindingHash: hashToken(browserBinding) },
      TransactionTtlSeconds,
    );
    return { url: request.url };
  }

  async callback(query: string, browserBinding: string | undefined): Promise<SsoCallbackReply> {
    this.requireEnabled();
    const params = new URLSearchParams(query);
    const state = params.get('state');
    const transaction = state ? await this.repo.takeTransaction(state) : null;
    if (!transaction || !browserBinding || !sameHash(transaction.browserBindingHash, hashToken(browserBinding))) {
      throw ssoFailed('state', 'This sign-in could not be matched to one started in this browser (it expired, was used already, or was altered). Please start again.');
    }
    const error = params.get('error');
    if (error) {
      const description = params.get('error_description');
      throw ssoFailed('provider', `The university sign-in did not let you in (${error}${description ? `: ${description}` : ''}). Please try again.`);
    }
    let identity: ProvenIdentity;
    try {
      identity = await this.provider.finish(query, transaction);
    } catch (err) {
      this.log.warn({ err }, 'the OpenID Connect code exchange failed');
      throw ssoFailed('exchange', 'The university sign-in answered in a way we could not verify. Please try again.');
    }
    const user = await this.match(identity);
    if (user.disabled) throw accountDisabled();
    const code = randomBytes(32).toString('base64url');
    await this.repo.saveCode(hashToken(code), user.id, CodeTtlSeconds);
    return { code };
  }

  /** The web client trades the one-time code for tokens. */
  async exchange(code: string): Promise<SignInReply> {
    const userId = await this.repo.takeCode(hashToken(code));
    if (!userId) throw ssoFailed('expired', 'This single sign-on code has expired or was used already. Please sign in again.');
    const user = await this.users.findById(userId);
    if (!user) throw ssoFailed('expired', 'This account no longer exists.');
    if (user.disabled) throw accountDisabled();
    return this.signIn.issue(user, 'sso');
  }

  private async match(proven: ProvenIdentity): Promise<UserRecord> {
    // The provider's claims are text from outside: an email or a name that cannot be stored (a control
    // character, a lone surrogate) is treated as not given. Nothing stricter: a provider's email may be
    // one our own forms would not take (an internationalised domain), and it has always been accepted.
    const { email, name: givenName, ...rest } = proven;
    const identity: ProvenIdentity = { ...rest, ...(storable(email) ? { email } : {}), ...(storable(givenName) ? { name: givenName } : {}) };
    const linked = await this.users.findByExternal(identity);
    if (linked) {
      await this.links.link(identity, linked.id);
      return linked;
    }
    if (!identity.email) {
      throw ssoFailed('no-email', 'Your university account did not share an email address, so we cannot find your ClassConnect account. Ask IT to release the email claim.');
    }
    const byEmail = await this.users.findByEmail(identity.email.toLowerCase());
    if (byEmail) {
      if (!identity.emailVerified) {
        throw ssoFailed('email-taken', 'An account with this email exists, but the university did not confirm the email is yours. Sign in with your password or passkey.');
      }
      await this.links.link(identity, byEmail.id);
      this.log.info({ userId: byEmail.id, issuer: identity.issuer }, 'account linked to the identity provider by its verified email');
      return byEmail;
    }
    // As our own name fields hold it: one line, NFC, at most 200 code units without cutting a character in half.
    const name =
      identity.name?.replace(/[\t\n\r]+/g, ' ').normalize('NFC').trim().slice(0, 200).replace(/[\uD800-\uDBFF]$/, '') || identity.email.split('@')[0]!;
    const created = await this.users.createLinked(identity, identity.email, name, this.config.OIDC_DEFAULT_ROLE);
    if (!created) return this.match(identity); // created meanwhile by another sign-in: match again
    this.log.info({ userId: created.id, role: created.role, issuer: identity.issuer }, 'account created by single sign-on');
    return created;
  }

  private requireEnabled(): void {
    if (!this.provider.enabled) throw new DomainError(ErrorCode.SSO_NOT_CONFIGURED, 'Single sign-on is not set up on this server. Sign in with your email and password.');
  }
}

function storable(text: string | undefined): text is string {
  return text !== undefined && !ControlCharacter.test(text) && !LoneSurrogate.test(text);
}

function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
