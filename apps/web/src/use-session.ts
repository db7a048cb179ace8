/**
 * Keeping a sign-in alive. The refresh token lives in an HttpOnly cookie the gateway sets at sign-in,
 * so the sign-in outlives the app: when the app opens without an access token (a new tab, the phone
 * relaunched it), the cookie is traded for one before anything is shown, and a returning student
 * goes straight to their home (one biometric prompt for the check-in, none for signing in).
 * The access token is refreshed a minute before it expires (and before a reconnect if it is close to
 * expiry); a refused refresh, or a revoked sign-in, signs out with a sentence saying why. Sign out
 * tells the server, which ends this sign-in's sockets everywhere and clears the cookie (when the
 * phone is offline, the next opening does it).
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
/** While the network is down at start-up, the kept sign-in is tried again this often. */
const RestoreRetryMs = 3_000;
/**
 * Set while a sign-out has not reached the server (the phone was offline): the cookie, which only the
 * server can clear, would otherwise sign the person in again at the next opening. That opening
 * finishes the sign-out instead.
 */
const SignOutPendingKey = 'classconnect.sign-out-pending';

function signOutPending(): boolean {
  try {
    return localStorage.getItem(SignOutPendingKey) !== null;
  } catch {
    return false;
  }
}

function setSignOutPending(pending: boolean): void {
  try {
    if (pending) localStorage.setItem(SignOutPendingKey, '1');
    else localStorage.removeItem(SignOutPendingKey);
  } catch {
    // storage refused (private mode): the sign-out is then only as good as the network was
  }
}

/** Tells the server; true once it answered (whatever it said: its answer clears the cookie), false when it could not be reached. */
function signOutOnServer(token: string, everywhere: boolean): Promise<boolean> {
  return signOutApi(token, everywhere).then(
    () => true,
    (err: unknown) => !(err instanceof ApiError && err.body.code === 'SERVICE_UNAVAILABLE'),
  );
}

/** What the server's refusal of a refresh means: the sign-in is over (and why), or undefined for "try again later". */
function endedBy(err: unknown): string | undefined {
  const code = err instanceof ApiError ? err.body.code : undefined;
  if (code === 'REFRESH_TOKEN_REUSED') return 'refresh-token-reused';
  if (code === 'REFRESH_TOKEN_INVALID' || code === 'ORIGIN_NOT_ALLOWED') return 'ended';
  return undefined;
}

export function useSession() {
  const [auth, setAuthState] = useState<Auth | null>(() => loadAuth());
  /** True until the app knows whether the browser keeps a sign-in (only when the tab had none). */
  const [restoring, setRestoring] = useState(auth === null);
  const [notice, setNotice] = useState<string | null>(null);
  const current = useRef(auth);

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

  // Opening the app: trade the cookie for an access token. No cookie, or one the server no longer
  // honours (signed out, disabled, erased: the gateway clears it in the same answer), is the sign-in
  // page, at once and once; a network failure is retried, since the sign-in may well still be good.
  useEffect(() => {
    if (!restoring) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (signOutPending()) {
      // Signed out offline last time: end that sign-in now, and show the sign-in page whatever happens.
      setRestoring(false);
      refreshAuth().then(
        async (kept) => {
          if (await signOutOnServer(kept.accessToken, false)) setSignOutPending(false);
        },
        (err: unknown) => {
          if (endedBy(err)) setSignOutPending(false);
        },
      );
      return;
    }
    const attempt = () => {
      refreshAuth().then(
        (next) => {
          if (stopped) return;
          setAuth(next);
          setRestoring(false);
        },
        (err: unknown) => {
          if (stopped) return;
          if (endedBy(err)) return setRestoring(false);
          timer = setTimeout(attempt, RestoreRetryMs);
        },
      );
    };
    attempt();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [restoring, setAuth]);

  const refresh = useCallback((): Promise<Auth | null> => {
    const a = current.current;
    if (!a) return Promise.resolve(null);
    return refreshAuth(a).then(
      (next) => {
        // Signed out (or in as someone else) while the refresh was on its way: keep what is there now.
        if (current.current?.signInId !== a.signInId) return current.current;
        setAuth(next);
        return next;
      },
      (err: unknown) => {
        // Only the server saying the sign-in is over ends it; a network hiccup keeps it for the next try.
        const reason = endedBy(err);
        if (!reason) return a;
        ended(reason);
        return null;
      },
    );
  }, [setAuth, ended]);

  /** The token for a (re)connect: refreshed first when it expires within the margin. */
  const token = useCallback(async (): Promise<string> => {
    const a = current.current;
    if (a && Date.parse(a.expiresAt) - Date.now() < RefreshMarginMs) return (await refresh())?.accessToken ?? '';
    return a?.accessToken ?? '';
  }, [refresh]);

  useEffect(() => {
    if (!auth) return;
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
      if (!token) return;
      setSignOutPending(true);
      void signOutOnServer(token, everywhere).then((done) => done && setSignOutPending(false));
    },
    [ended],
  );

  const signedIn = useCallback((a: Auth) => {
    // A new sign-in's cookie replaced the one a pending sign-out was about.
    setSignOutPending(false);
    setNotice(null);
    setRestoring(false);
    setAuth(a);
  }, [setAuth]);

  return { auth, restoring, notice, signedIn, signOut, ended, token };
}
