import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  DomainError,
  ErrorCode,
  PasskeySignInRequest,
  RefreshRequest,
  Rpc,
  SignOutBody,
  SsoExchangeRequest,
  authorize,
  parseOrThrow,
} from '@classconnect/contracts';
import { RpcClient, toErrorBody } from '@classconnect/messaging';
import { createLogger, newCorrelationId } from '@classconnect/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { AddressLimiter } from './address-limiter.js';
import { AuthService, actorOf, bearerToken } from './auth.service.js';

const log = createLogger('AuthController');
/** The cookie that ties a single sign-on callback to the browser that started it (login CSRF). */
const SsoCookie = 'cc_sso';
const SsoCookiePath = '/api/auth/sso';

/**
 * Sign-in security over HTTP: refresh, sign-out, passkey sign-in and single sign-on. The OpenID
 * Connect client itself runs in identity-service; this edge only relays and sets the browser cookie.
 */
@Controller('api/auth')
export class AuthController {
  /** For the endpoints anyone may call: each makes a challenge, a pending login or a token check. */
  private readonly limiter = new AddressLimiter();

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'PUBLIC_ORIGIN' | 'WEBAUTHN_ORIGINS'>,
  ) {}

  @Get('config')
  authConfig() {
    return this.rpc.request(Rpc.identityAuthConfig, {}, { correlationId: newCorrelationId() });
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: unknown, @Ip() ip?: string) {
    this.limiter.check(ip);
    return this.rpc.request(Rpc.identityRefresh, parseOrThrow(RefreshRequest, body ?? {}, 'refresh request'), { correlationId: newCorrelationId() });
  }

  @Post('sign-out')
  @HttpCode(200)
  async signOut(@Body() body: unknown, @Headers('authorization') authorization?: string) {
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
  passkeyVerify(@Body() body: unknown, @Ip() ip?: string) {
    this.limiter.check(ip);
    return this.rpc.request(Rpc.identityPasskeySignIn, parseOrThrow(PasskeySignInRequest, body ?? {}, 'passkey sign-in'), {
      correlationId: newCorrelationId(),
    });
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
  ssoExchange(@Body() body: unknown, @Ip() ip?: string) {
    this.limiter.check(ip);
    return this.rpc.request(Rpc.identitySsoExchange, parseOrThrow(SsoExchangeRequest, body ?? {}, 'sign-in code'), { correlationId: newCorrelationId() });
  }

  /** Back to the web client's sign-in page, with the failure's code and reason in the fragment for it to explain. */
  private backToSignIn(res: Response, err: unknown): void {
    const body = toErrorBody(err, log, { stage: 'sso' });
    const reason = err instanceof DomainError && err.code === ErrorCode.SSO_FAILED ? err.issues?.[0]?.message : undefined;
    const fragment = new URLSearchParams({ 'sso-error': body.code, ...(reason ? { reason } : {}) });
    res.redirect(303, `${this.origin()}/#${fragment.toString()}`);
  }

  private origin(): string {
    return (this.config.PUBLIC_ORIGIN ?? this.config.WEBAUTHN_ORIGINS[0] ?? '').replace(/\/$/, '');
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
