import type { Request, Response } from 'express';
import { RefreshToken, type SignInReply } from '@classconnect/contracts';

/**
 * The browser's way of staying signed in: the refresh token in an HttpOnly cookie instead of the
 * JSON body, so a script on the page (an injected one included) can never read it, and it survives
 * closing the app. Only `POST /api/auth/refresh` receives it (the cookie's path); SameSite=Strict
 * keeps other sites' pages from sending it, and the Origin check (origin-policy.ts) keeps other
 * pages of the same site from using it.
 *
 * A client asks for this with the request header `X-Refresh-Token: cookie` on sign-in, refresh and
 * sign-out; without it the refresh token travels in the JSON body as before (native apps, scripts).
 */
export const RefreshCookie = { name: 'cc_refresh', path: '/api/auth/refresh' } as const;
export const CookieModeHeader = 'x-refresh-token';

/** True when the client asked for the refresh token in the cookie. */
export function wantsCookie(req: Request): boolean {
  return req.headers[CookieModeHeader] === 'cookie';
}

/** The refresh token the browser's cookie holds, when it has the shape of one. */
export function refreshCookieOf(req: Request): string | undefined {
  const value = cookieValue(req.headers.cookie, RefreshCookie.name);
  return value !== undefined && RefreshToken.safeParse(value).success ? value : undefined;
}

/**
 * Puts the reply's refresh token in the cookie (lasting as long as the token, so it outlives the
 * app) and takes it out of the body the page's script reads.
 */
export function deliverInCookie(res: Response, reply: SignInReply, secure: boolean): SignInReply {
  const { refreshToken, ...rest } = reply;
  if (!refreshToken) return rest;
  const maxAge = reply.refreshExpiresAt ? Math.max(0, Date.parse(reply.refreshExpiresAt) - Date.now()) : undefined;
  res.cookie(RefreshCookie.name, refreshToken, { httpOnly: true, secure, sameSite: 'strict', path: RefreshCookie.path, ...(maxAge !== undefined ? { maxAge } : {}) });
  return rest;
}

export function clearRefreshCookie(res: Response, secure: boolean): void {
  res.clearCookie(RefreshCookie.name, { httpOnly: true, secure, sameSite: 'strict', path: RefreshCookie.path });
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
