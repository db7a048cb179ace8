import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  DomainError,
  ErrorCode,
  PasskeySignInRequest,
  RefreshRequest,
  Rpc,
  SignInRequest,
  SignOutBody,
  SsoExchangeRequest,
  authorize,
  parseOrThrow,
  type SignInReply,
} from '@classconnect/contracts';
import { RpcClient, toErrorBody } from '@classconnect/messaging';
import { createLogger, newCorrelationId } from '@classconnect/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { AddressLimiter } from './address-limiter.js';
import { AuthService, actorOf, bearerToken } from './auth.service.js';
import { OriginPolicy } from './origin-policy.js';
import { clearRefreshCookie, cookieValue, deliverInCookie, refreshCookieOf, wantsCookie } from './refresh-cookie.js';

const log = createLogger('AuthController');
/** The cookie that ties a single sign-on callback to the browser that started it (login CSRF). */
const SsoCookie = 'cc_sso';
const SsoCookiePath = '/api/auth/sso';

/** Refresh answers that mean the browser's cookie is worth nothing now: it is cleared with the answer. */
const DeadRefreshCodes: ReadonlySet<string> = new Set([ErrorCode.REFRESH_TOKEN_INVALID, ErrorCode.REFRESH_TOKEN_REUSED]);

/**
 * Sign-in security over HTTP: password, passkey and single sign-on sign-in, refresh, sign-out. The
 * OpenID Connect client itself runs in identity-service; this edge relays, checks the Origin of the
 * endpoints that set, read or clear the refresh cookie, and sets the browser cookies (refresh-cookie.ts).
 */
@Controller('api/auth')
export class AuthController {
  /** For the endpoints anyone may call: each makes a challenge, a pending login or a token check. */
  private readonly limiter = new AddressLimiter();
  private readonly origins: OriginPolicy;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'PUBLIC_ORIGIN' | 'WEBAUTHN_ORIGINS'>,
  ) {
    this.origins = OriginPolicy.of(config);
  }

  @Get('config')
  authConfig() {
    return this.rpc.request(Rpc.identityAuthConfig, {}, { correlationId: newCorrelationId() });
  }

  @Post('sign-in')
  @HttpCode(200)
  async signIn(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Ip() clientIp?: string) {
    const cookie = this.cookieMode(req);
    const reply = await this.auth.signIn(parseOrThrow(SignInRequest, body, 'sign-in'), newCorrelationId(), clientIp);
    return this.deliver(reply, res, cookie);
  }

  /**
   * The refresh token comes from the body when there is one (every client may send it there), else,
   * for a client in cookie mode, from the cookie. A cookie the server no longer honours is cleared in
   * the same answer, so a browser whose sign-in was ended lands signed out, once, not in a loop.
   */
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Ip() ip?: string) {
    const cookie = this.cookieMode(req);
    this.limiter.check(ip);
    const given = body ?? {};
    const inBody = typeof given === 'object' && given !== null && 'refreshToken' in given;
    if (cookie && !inBody) {
      const kept = refreshCookieOf(req);
      if (!kept) {
        clearRefreshCookie(res, this.secure());
        throw new DomainError(ErrorCode.REFRESH_TOKEN_INVALID, 'No sign-in is kept in this browser. Please sign in.');
      }
      return this.refreshWith(kept, res, true);
    }
    return this.refreshWith(parseOrThrow(RefreshRequest, given, 'refresh request').refreshToken, res, cookie);
  }

  @Post('sign-out')
  @HttpCode(200)
  async signOut(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Headers('authorization') authorization?: string) {
    // Cleared first: even when the access token is refused, nothing of this sign-in stays in the browser.
    if (this.cookieMode(req)) clearRefreshCookie(res, this.secure());
    const claims = await this.auth.authenticate(bearerToken(authorization));
    const actor = actorOf(claims);
    authorize(actor, 'account.sign-out');
    const { everywhere } = parseOrThrow(SignOutBody, body ?? {}, 'sign-out request');
    return this.rpc.request(
      Rpc.identitySignOut,
      { actor, everywhere, ...(claims.sid ? { signInId: claims.sid } : {}) },
      { correlationId: newCorrelationId() },
    );
  }

  @Post('passkey/options')
  @HttpCode(200)
  passkeyOptions(@Ip() ip?: string) {
    this.limiter.check(ip);
    return this.rpc.request(Rpc.identityPasskeySignInOptions, {}, { correlationId: newCorrelationId() });
  }

  @Post('passkey/verify')
  @HttpCode(200)
  async passkeyVerify(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Ip() ip?: string) {
    const cookie = this.cookieMode(req);
    this.limiter.check(ip);
    const reply = await this.rpc.request(Rpc.identityPasskeySignIn, parseOrThrow(PasskeySignInRequest, body ?? {}, 'passkey sign-in'), {
      correlationId: newCorrelationId(),
    });
    return this.deliver(reply, res, cookie);
  }

  @Get('sso/start')
  async ssoStart(@Res() res: Response, @Ip() ip?: string) {
    const binding = randomBytes(32).toString('base64url');
    try {
      this.limiter.check(ip);
      const { url } = await this.rpc.request(Rpc.identitySsoStart, { browserBinding: binding }, { correlationId: newCorrelationId() });
      res.cookie(SsoCookie, binding, { httpOnly: true, sameSite: 'lax', secure: this.origin().startsWith('https:'), path: SsoCookiePath, maxAge: 10 * 60_000 });
      res.redirect(302, url);
    } catch (err) {
      this.backToSignIn(res, err);
    }
  }

  @Get('sso/callback')
  async ssoCallback(@Req() req: Request, @Res() res: Response) {
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const binding = cookieValue(req.headers.cookie, SsoCookie);
    res.clearCookie(SsoCookie, { path: SsoCookiePath });
    try {
      const { code } = await this.rpc.request(
        Rpc.identitySsoCallback,
        { query: query.slice(0, 8_192), ...(binding ? { browserBinding: binding.slice(0, 200) } : {}) },
        { correlationId: newCorrelationId() },
      );
      // A one-time code in the fragment: never sent to a server, never in a log; the web client exchanges it.
      res.redirect(303, `${this.origin()}/#sso=${encodeURIComponent(code)}`);
    } catch (err) {
      this.backToSignIn(res, err);
    }
  }

  @Post('sso/exchange')
  @HttpCode(200)
  async ssoExchange(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Ip() ip?: string) {
    const cookie = this.cookieMode(req);
    this.limiter.check(ip);
    const reply = await this.rpc.request(Rpc.identitySsoExchange, parseOrThrow(SsoExchangeRequest, body ?? {}, 'sign-in code'), {
      correlationId: newCorrelationId(),
    });
    return this.deliver(reply, res, cookie);
  }

  /** Back to the web client's sign-in page, with the failure's code and reason in the fragment for it to explain. */
  private backToSignIn(res: Response, err: unknown): void {
    const body = toErrorBody(err, log, { stage: 'sso' });
    const reason = err instanceof DomainError && err.code === ErrorCode.SSO_FAILED ? err.issues?.[0]?.message : undefined;
    const fragment = new URLSearchParams({ 'sso-error': body.code, ...(reason ? { reason } : {}) });
    res.redirect(303, `${this.origin()}/#${fragment.toString()}`);
  }

  /**
   * The Origin rule of the endpoints that set, read or clear the refresh cookie: a foreign page is
   * refused always, a request without Origin only when it asks for the cookie. Returns whether it does.
   */
  private cookieMode(req: Request): boolean {
    const cookie = wantsCookie(req);
    this.origins.check(req.headers.origin, { required: cookie });
    return cookie;
  }

  private async refreshWith(refreshToken: string, res: Response, cookie: boolean): Promise<SignInReply> {
    try {
      const reply = await this.rpc.request(Rpc.identityRefresh, { refreshToken }, { correlationId: newCorrelationId() });
      return this.deliver(reply, res, cookie);
    } catch (err) {
      if (cookie && err instanceof DomainError && DeadRefreshCodes.has(err.code)) clearRefreshCookie(res, this.secure());
      throw err;
    }
  }

  private deliver(reply: SignInReply, res: Response, cookie: boolean): SignInReply {
    return cookie ? deliverInCookie(res, reply, this.secure()) : reply;
  }

  /** Cookies are Secure when the app is served over https (http://localhost in development cannot take them). */
  private secure(): boolean {
    return this.origin().startsWith('https:');
  }

  private origin(): string {
    return (this.config.PUBLIC_ORIGIN ?? this.config.WEBAUTHN_ORIGINS[0] ?? '').replace(/\/$/, '');
  }
}
