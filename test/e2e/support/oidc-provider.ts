/**
 * A real OpenID Connect provider for the SSO specs: the `oidc-provider` package (v9) on localhost,
 * with its development login page (any login is accepted; the login is the account id) and consent
 * granted up front. Plain http, so the system under test runs with OIDC_ALLOW_INSECURE_HTTP (tests only).
 */
import type { Server } from 'node:http';

export interface UniversityAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** People the provider knows, by login (= subject). Unknown logins sign in with no email. */
  accounts: Map<string, UniversityAccount>;
  stop(): Promise<void>;
}

export async function startTestProvider(opts: { port: number; redirectUri: string }): Promise<TestProvider> {
  const moduleName = 'oidc-provider'; // ships no type declarations: typed by hand below
  const { default: Provider } = (await import(moduleName)) as { default: new (issuer: string, config: object) => ProviderLike };
  const issuer = `http://localhost:${opts.port}`;
  const clientId = 'classconnect-test';
  const clientSecret = 'a-client-secret-for-the-test-provider-only';
  const accounts = new Map<string, UniversityAccount>();
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-provider-cookie-key'] },
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, sub: string) {
      return { accountId: sub, claims: async () => ({ sub, ...(accounts.get(sub) ?? {}) }) };
    },
    // Consent is given up front: the spec is about ClassConnect's side, not the provider's consent page.
    async loadExistingGrant(ctx: GrantContext) {
      const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  const server = provider.listen(opts.port);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface ProviderLike {
  listen(port: number): Server;
}

interface GrantLike {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}

interface GrantContext {
  oidc: {
    session: { grantIdFor(clientId: string): string | undefined; accountId: string };
    client: { clientId: string };
    provider: { Grant: { new (o: { clientId: string; accountId: string }): GrantLike; find(id: string): Promise<GrantLike> } };
  };
}
