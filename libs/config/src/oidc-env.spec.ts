import { describe, expect, it } from '@jest/globals';
import { ConfigError, OidcEnv, loadConfig } from './index.js';

const base = { OIDC_ISSUER_URL: 'https://login.uni.example', OIDC_CLIENT_ID: 'classconnect', PUBLIC_ORIGIN: 'https://attendance.uni.example' };

describe('OidcEnv', () => {
  it('is off without an issuer, or with empty variables', () => {
    expect(loadConfig(OidcEnv, {}).OIDC_ISSUER_URL).toBeUndefined();
    expect(loadConfig(OidcEnv, { OIDC_ISSUER_URL: '', OIDC_CLIENT_ID: '', OIDC_BUTTON_LABEL: '' })).toMatchObject({ OIDC_BUTTON_LABEL: 'Sign in with your university account' });
  });

  it('derives the redirect URI from the public origin, else from the first WebAuthn origin', () => {
    expect(loadConfig(OidcEnv, base).OIDC_REDIRECT_URI).toBe('https://attendance.uni.example/api/auth/sso/callback');
    const { PUBLIC_ORIGIN: _p, ...noOrigin } = base;
    expect(loadConfig(OidcEnv, { ...noOrigin, WEBAUTHN_ORIGINS: 'https://a.uni.example, https://b.uni.example' }).OIDC_REDIRECT_URI).toBe(
      'https://a.uni.example/api/auth/sso/callback',
    );
    expect(loadConfig(OidcEnv, { ...base, OIDC_REDIRECT_URI: 'https://x.uni.example/cb' }).OIDC_REDIRECT_URI).toBe('https://x.uni.example/cb');
  });

  it('names each missing or unsafe setting', () => {
    expect(() => loadConfig(OidcEnv, { OIDC_ISSUER_URL: base.OIDC_ISSUER_URL })).toThrow(/OIDC_CLIENT_ID[\s\S]*OIDC_REDIRECT_URI/);
    expect(() => loadConfig(OidcEnv, { ...base, OIDC_SCOPES: 'email profile' })).toThrow(/OIDC_SCOPES: must include openid/);
    expect(() => loadConfig(OidcEnv, { ...base, OIDC_ISSUER_URL: 'http://login.uni.example' })).toThrow(/OIDC_ISSUER_URL: must be an https/);
    expect(() => loadConfig(OidcEnv, { ...base, OIDC_ALLOW_INSECURE_HTTP: 'true' })).toThrow(ConfigError);
    expect(loadConfig(OidcEnv, { ...base, OIDC_ISSUER_URL: 'http://localhost:4000', OIDC_ALLOW_INSECURE_HTTP: 'true', NODE_ENV: 'test' }).OIDC_ALLOW_INSECURE_HTTP).toBe(true);
  });
});
