import { useEffect, useState, type FormEvent } from 'react';
import type { AuthConfigReply } from '@classconnect/contracts';
import { ApiError, signIn, type Auth } from './api.js';
import { authConfig, passkeySignIn, passkeySignInOptions, ssoExchange, takeSsoReturn } from './auth-api.js';
import { errorText, t, type Key } from './i18n.js';
import { passkeysSupported, signChallenge } from './webauthn.js';

const SsoReasons: Record<string, Key> = {
  state: 'ssoErrorState',
  provider: 'ssoErrorProvider',
  exchange: 'ssoErrorExchange',
  'no-email': 'ssoErrorNoEmail',
  'email-taken': 'ssoErrorEmailTaken',
  expired: 'ssoErrorExpired',
};

function describe(err: unknown): string {
  const body = err instanceof ApiError ? err.body : { code: 'INTERNAL', retryAfterSeconds: undefined };
  const code = body.code === 'VALIDATION_FAILED' ? 'INVALID_CREDENTIALS' : body.code;
  const text = errorText(code);
  const minutes = String(Math.max(1, Math.ceil((body.retryAfterSeconds ?? 60) / 60)));
  return `${text.problem} ${text.todo.replace('{minutes}', minutes)}`;
}

/** `notice`: why the user is here again (signed out elsewhere, account disabled…), shown above the form. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (auth: Auth) => void; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'password' | 'passkey' | 'sso' | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Failures of the university sign-in or the passkey: shown by their buttons, not under the password. */
  const [otherError, setOtherError] = useState<string | null>(null);
  const [config, setConfig] = useState<AuthConfigReply | null>(null);

  useEffect(() => {
    void authConfig().then(setConfig);
    const back = takeSsoReturn();
    if (back.code) {
      setBusy('sso');
      ssoExchange(back.code).then(onSignedIn, (err: unknown) => {
        setOtherError(describe(err));
        setBusy(null);
      });
    } else if (back.error) {
      const key = back.error.reason ? SsoReasons[back.error.reason] : undefined;
      setOtherError(key ? t(key) : describe(new ApiError({ code: back.error.code as never, message: '' })));
    }
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy('password');
    setError(null);
    setOtherError(null);
    try {
      onSignedIn(await signIn(email, password));
    } catch (err) {
      setError(describe(err));
      setBusy(null);
    }
  }

  async function withPasskey() {
    if (!passkeysSupported()) return setOtherError(t('passkeyUnsupported'));
    setBusy('passkey');
    setError(null);
    setOtherError(null);
    try {
      const response = await signChallenge(await passkeySignInOptions());
      onSignedIn(await passkeySignIn(response));
    } catch (err) {
      setOtherError(err instanceof DOMException ? t('passkeyCancelled') : describe(err));
      setBusy(null);
    }
  }

  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <div className="brand brand-large">
          <img src="/icon.svg" alt="" width="48" height="48" />
          <span>{t('appName')}</span>
        </div>
        <p className="muted">{t('tagline')}</p>
        <h1>{t('signInTitle')}</h1>
        {notice && (
          <p className="alert alert-info" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        {otherError && (
          <p className="alert alert-error" role="alert">
            {otherError}
          </p>
        )}
        {config?.sso.enabled && (
          <a className="button button-primary button-block signin-sso" href="/api/auth/sso/start" aria-disabled={busy !== null} onClick={() => setBusy('sso')}>
            {config.sso.label}
          </a>
        )}
        <button type="button" className="button button-secondary button-block" onClick={() => void withPasskey()} disabled={busy !== null}>
          {busy === 'passkey' ? t('passkeySigningIn') : t('signInWithPasskey')}
        </button>
        <p className="signin-or muted" aria-hidden="true">
          {t('signInOr')}
        </p>
        <form onSubmit={submit} noValidate={false}>
          <label htmlFor="email">{t('email')}</label>
          <input id="email" type="email" autoComplete="username webauthn" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <label htmlFor="password">{t('password')}</label>
          <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          {error && (
            <p className="alert alert-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className={`button ${config?.sso.enabled ? 'button-secondary' : 'button-primary'} button-block`} disabled={busy !== null}>
            {busy === 'password' || busy === 'sso' ? t('signingIn') : t('signIn')}
          </button>
        </form>
      </div>
    </main>
  );
}
