import { lang } from './i18n.js';
/** The small HTTP part of the protocol (sign-in; the downloads are in features/reports/downloads.ts) and the stored sign-in. */
import type { ErrorBody, SignInReply, UserSummary } from '@classconnect/contracts';

const StorageKey = 'classconnect.auth';

export interface Auth {
  accessToken: string;
  expiresAt: string;
  user: UserSummary;
  /**
   * Only in a tab signed in before the refresh token moved to its HttpOnly cookie: its next refresh
   * sends it once and gets the cookie instead. The web client never receives one now.
   */
  refreshToken?: string;
  refreshExpiresAt?: string;
  signInId?: string;
}

/**
 * Request header asking the gateway to keep the refresh token in an HttpOnly cookie rather than in
 * the JSON this script reads (docs/protocol.md §10.7): what makes a sign-in outlive the app.
 */
export const RefreshInCookie = { 'x-refresh-token': 'cookie' } as const;

/**
 * The access token and who is signed in, in sessionStorage: a reload of the tab skips one refresh.
 * What outlives the tab is the refresh cookie, which this script cannot read (use-session.ts trades
 * it for an access token when the app opens).
 */
export function loadAuth(): Auth | null {
  try {
    const raw = sessionStorage.getItem(StorageKey);
    if (!raw) return null;
    const auth = JSON.parse(raw) as Auth;
    const until = auth.refreshExpiresAt ?? auth.expiresAt;
    return Date.parse(until) > Date.now() ? auth : null;
  } catch {
    return null;
  }
}

export function saveAuth(auth: Auth | null): void {
  if (auth) sessionStorage.setItem(StorageKey, JSON.stringify(auth));
  else sessionStorage.removeItem(StorageKey);
}

export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

export async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: ErrorBody };
    if (body.error) return new ApiError(body.error);
  } catch {
    // not JSON: fall through
  }
  return new ApiError({ code: res.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL', message: `HTTP ${res.status}` });
}

export async function signIn(email: string, password: string): Promise<Auth> {
  let res: Response;
  try {
    res = await fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...RefreshInCookie },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new ApiError({ code: 'SERVICE_UNAVAILABLE', message: 'network error' });
  }
  if (!res.ok) throw await errorOf(res);
  return authOf((await res.json()) as SignInReply);
}

export function authOf(reply: SignInReply): Auth {
  const { accessToken, expiresAt, user, refreshToken, refreshExpiresAt, signInId } = reply;
  // In cookie mode the reply has no refreshToken, but still says how long the sign-in lasts and which it is.
  return { accessToken, expiresAt, user, ...(refreshToken ? { refreshToken } : {}), ...(refreshExpiresAt ? { refreshExpiresAt } : {}), ...(signInId ? { signInId } : {}) };
}

/** Exports for people in the app's language; times come in the course's own time zone (a course setting), not this browser's. */
export function exportQuery(): string {
  return new URLSearchParams({ lang }).toString();
}
