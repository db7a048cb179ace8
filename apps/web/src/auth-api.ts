/** Sign-in security over HTTP: refresh, sign-out, passkey sign-in, single sign-on. */
import type { AuthConfigReply, AuthenticationOptions, PasskeySignInOptionsReply, SignInReply } from '@classconnect/contracts';
import { ApiError, RefreshInCookie, authOf, errorOf, type Auth } from './api.js';

async function postJson<T>(path: string, body: unknown, token?: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...RefreshInCookie, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ code: 'SERVICE_UNAVAILABLE', message: 'network error' });
  }
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export async function authConfig(): Promise<AuthConfigReply> {
  try {
    const res = await fetch('/api/auth/config');
    if (res.ok) return (await res.json()) as AuthConfigReply;
  } catch {
    // offline: offer what always works
  }
  return { password: true, passkey: true, sso: { enabled: false } };
}

let refreshing: Promise<Auth> | null = null;

/**
 * Trades the refresh cookie for a new access token (the cookie is replaced: the old token is spent).
 * One at a time: in this tab through `refreshing`, and across this browser's tabs through a Web Lock
 * (they share the cookie, and two refreshes sending the same token look like a stolen one and end
 * the sign-in). The tab that waited sends the cookie the first one received.
 * `legacy`: a tab signed in before the cookie sends its refresh token once, and gets the cookie.
 */
export function refreshAuth(legacy?: Auth | null): Promise<Auth> {
  const body = legacy?.refreshToken ? { refreshToken: legacy.refreshToken } : {};
  const run = async () => authOf(await postJson<SignInReply>('/api/auth/refresh', body));
  refreshing ??= (typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('cc-refresh', run) : run()).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export function signOutApi(token: string, everywhere = false): Promise<unknown> {
  return postJson('/api/auth/sign-out', { everywhere }, token);
}

export async function passkeySignInOptions(): Promise<AuthenticationOptions> {
  return (await postJson<PasskeySignInOptionsReply>('/api/auth/passkey/options', {})).options;
}

export async function passkeySignIn(response: unknown): Promise<Auth> {
  return authOf(await postJson<SignInReply>('/api/auth/passkey/verify', { response }));
}

export async function ssoExchange(code: string): Promise<Auth> {
  return authOf(await postJson<SignInReply>('/api/auth/sso/exchange', { code }));
}

/** What the address's fragment says after single sign-on (and removes it from the address bar). */
export function takeSsoReturn(): { code?: string; error?: { code: string; reason?: string } } {
  const hash = location.hash.startsWith('#') ? location.hash.slice(1) : '';
  const params = new URLSearchParams(hash);
  const code = params.get('sso');
  const error = params.get('sso-error');
  if (!code && !error) return {};
  history.replaceState(null, '', location.pathname + location.search);
  if (code) return { code };
  const reason = params.get('reason') ?? undefined;
  return { error: { code: error!, ...(reason ? { reason } : {}) } };
}
