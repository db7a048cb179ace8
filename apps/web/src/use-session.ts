/**
 * Keeping a sign-in alive: the access token is refreshed a minute before it expires (and before a
 * reconnect if it is close to expiry); a refused refresh, or a revoked sign-in, signs out with a
 * sentence saying why. Sign out tells the server, which ends this sign-in's sockets everywhere.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, loadAuth, saveAuth, type Auth } from './api.js';
import { refreshAuth, signOutApi } from './auth-api.js';
import { t, type Key } from './i18n.js';

const RevokedKeys: Record<string, Key> = {
  'signed-out': 'revokedSignedOut',
  'signed-out-everywhere': 'revokedEverywhere',
  'account-disabled': 'revokedDisabled',
  'refresh-token-reused': 'revokedReused',
};
const RefreshMarginMs = 60_000;

export function useSession() {
  const [auth, setAuthState] = useState<Auth | null>(() => loadAuth());
  const [notice, setNotice] = useState<string | null>(null);
  const current = useRef(auth);
  const refreshing = useRef<Promise<Auth | null> | null>(null);

  const setAuth = useCallback((a: Auth | null) => {
    current.current = a;
    saveAuth(a);
    setAuthState(a);
  }, []);

  /** Ends the sign-in on this screen; `reason` (a revocation reason) becomes the sign-in page's message. */
  const ended = useCallback((reason?: string) => {
    setAuth(null);
    setNotice(reason ? t(RevokedKeys[reason] ?? 'signInEnded') : null);
  }, [setAuth]);

  /** One refresh at a time: a timer and a reconnect may both ask. */
  const refresh = useCallback((): Promise<Auth | null> => {
    const a = current.current;
    if (!a?.refreshToken) return Promise.resolve(a);
    refreshing.current ??= refreshAuth(a)
      .then(
        (next) => (setAuth(next), next),
        (err: unknown) => {
          const code = err instanceof ApiError ? err.body.code : undefined;
          // Only the server saying the sign-in is over ends it; a network hiccup keeps it for the next try.
          if (code === 'REFRESH_TOKEN_REUSED') return ended('refresh-token-reused'), null;
          if (code === 'REFRESH_TOKEN_INVALID') return ended('ended'), null;
          return a;
        },
      )
      .finally(() => (refreshing.current = null));
    return refreshing.current;
  }, [setAuth, ended]);

  /** The token for a (re)connect: refreshed first when it expires within the margin. */
  const token = useCallback(async (): Promise<string> => {
    const a = current.current;
    if (a && a.refreshToken && Date.parse(a.expiresAt) - Date.now() < RefreshMarginMs) return (await refresh())?.accessToken ?? '';
    return a?.accessToken ?? '';
  }, [refresh]);

  useEffect(() => {
    if (!auth?.refreshToken) return;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      const next = await refresh();
      // Still the same token (the server was unreachable): try again shortly.
      if (next && next.accessToken === auth.accessToken) timer = setTimeout(() => void tick(), 15_000);
    };
    timer = setTimeout(() => void tick(), Math.max(5_000, Date.parse(auth.expiresAt) - Date.now() - RefreshMarginMs));
    return () => clearTimeout(timer);
  }, [auth, refresh]);

  const signOut = useCallback(
    (everywhere = false) => {
      const token = current.current?.accessToken;
      ended();
      if (token) void signOutApi(token, everywhere).catch(() => undefined);
    },
    [ended],
  );

  const signedIn = useCallback((a: Auth) => {
    setNotice(null);
    setAuth(a);
  }, [setAuth]);

  return { auth, notice, signedIn, signOut, ended, token };
}
