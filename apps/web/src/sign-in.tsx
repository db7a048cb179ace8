import { useState, type FormEvent } from 'react';
import { ApiError, signIn, type Auth } from './api.js';
import { errorText, t } from './i18n.js';

export function SignIn({ onSignedIn }: { onSignedIn: (auth: Auth) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(email, password));
    } catch (err) {
      const code = err instanceof ApiError ? err.body.code : 'INTERNAL';
      const text = errorText(code === 'VALIDATION_FAILED' ? 'INVALID_CREDENTIALS' : code);
      setError(`${text.problem} ${text.todo}`);
      setBusy(false);
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
        <form onSubmit={submit} noValidate={false}>
          <label htmlFor="email">{t('email')}</label>
          <input id="email" type="email" autoComplete="username" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <label htmlFor="password">{t('password')}</label>
          <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          {error && (
            <p className="alert alert-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? t('signingIn') : t('signIn')}
          </button>
        </form>
      </div>
    </main>
  );
}
