import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { OidcConfig } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';

export const OIDC_CONFIG = Symbol('OIDC_CONFIG');

/** What we use from the provider's ID token. */
export interface ProvenIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The university's OpenID Connect provider, as a port (a fake in unit tests, the real provider in e2e). */
export abstract class OidcClient {
  abstract readonly enabled: boolean;
  abstract readonly label: string;
  /** A fresh authorization request: code flow with PKCE, state and nonce. */
  abstract authorizationRequest(): Promise<AuthorizationRequest>;
  /** Exchanges the code in the callback's query for tokens and returns the ID token's identity (checks state, nonce, PKCE, signature). */
  abstract finish(callbackQuery: string, checks: { state: string; nonce: string; codeVerifier: string }): Promise<ProvenIdentity>;
}

/**
 * openid-client 6 against the provider configured by OIDC_*. Discovery runs on first use and again
 * after a failure, so a provider that is down at boot does not stop sign-in by password or passkey.
 */
@Injectable()
export class OpenIdClient extends OidcClient {
  private readonly log = createLogger('OidcClient');
  private configuration?: Promise<oidc.Configuration>;

  constructor(@Inject(OIDC_CONFIG) private readonly config: OidcConfig) {
    super();
  }

  get enabled(): boolean {
    return Boolean(this.config.OIDC_ISSUER_URL);
  }

  get label(): string {
    return this.config.OIDC_BUTTON_LABEL;
  }

  async authorizationRequest(): Promise<AuthorizationRequest> {
    const configuration = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.OIDC_REDIRECT_URI!,
      scope: this.config.OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  async finish(callbackQuery: string, checks: { state: string; nonce: string; codeVerifier: string }): Promise<ProvenIdentity> {
    const configuration = await this.discover();
    const currentUrl = new URL(this.config.OIDC_REDIRECT_URI!);
    currentUrl.search = callbackQuery;
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error('the provider returned no ID token');
    // Many providers put email and name only in the UserInfo response, not in the ID token.
    let claims: Record<string, unknown> = idToken;
    if (typeof idToken.email !== 'string' && configuration.serverMetadata().userinfo_endpoint) {
      claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), ...idToken };
    }
    return {
      issuer: idToken.iss,
      subject: idToken.sub,
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      emailVerified: claims.email_verified === true,
      ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    };
  }

  private discover(): Promise<oidc.Configuration> {
    if (!this.config.OIDC_ISSUER_URL || !this.config.OIDC_CLIENT_ID) return Promise.reject(new Error('single sign-on is not configured'));
    this.configuration ??= oidc
      .discovery(
        new URL(this.config.OIDC_ISSUER_URL),
        this.config.OIDC_CLIENT_ID,
        undefined,
        this.config.OIDC_CLIENT_SECRET ? oidc.ClientSecretBasic(this.config.OIDC_CLIENT_SECRET) : oidc.None(),
        this.config.OIDC_ALLOW_INSECURE_HTTP ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        this.configuration = undefined;
        this.log.error({ err, issuer: this.config.OIDC_ISSUER_URL }, 'OpenID Connect discovery failed');
        throw err;
      });
    return this.configuration;
  }
}
