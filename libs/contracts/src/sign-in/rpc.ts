/**
 * Signing in and staying signed in (identity-service, and verification-service for passkeys):
 * password, passkey and single sign-on sign-in, throttling, refresh, sign-out.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import type { UserSummary } from '../directory/accounts.js';
import { Actor, ControlCharacter, Email, EmptyRequest, Id, LoneSurrogate, TextWithoutNul } from '../primitives.js';
import { command } from '../slice-maps.js';
import { AuthenticationResponse, type AuthenticationOptions } from '../webauthn.js';

/** A password as typed at sign-in: any character but NUL (an old password is never judged by today's rules). */
export const Password = TextWithoutNul({ max: 1_024 });
export const SignInRequest = z.object({ email: Email, password: Password }).strict();
export type SignInRequest = z.infer<typeof SignInRequest>;
export interface SignInReply {
  accessToken: string;
  expiresAt: string;
  user: UserSummary;
  /** Added later (sign-in security): an opaque refresh token for POST /api/auth/refresh, spent on use. */
  refreshToken?: string;
  /** When the refresh token expires if it is not used (30 days idle by default). */
  refreshExpiresAt?: string;
  /** This sign-in's id (the access token's `sid` claim): what sign-out revokes. */
  signInId?: string;
}

/** Internal (gateway → identity): a password sign-in with the client's address, for throttling. */
export const PasswordSignInRequest = z
  .object({ email: Email, password: Password, clientIp: z.string().max(64).optional() })
  .strict();
export type PasswordSignInRequest = z.infer<typeof PasswordSignInRequest>;
/** An opaque refresh token as handed out by sign-in. */
export const RefreshToken = z.string().min(20).max(200).regex(/^[A-Za-z0-9_.-]+$/, 'must be a refresh token');
export const RefreshRequest = z.object({ refreshToken: RefreshToken }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;
/** HTTP body of POST /api/auth/sign-out. */
export const SignOutBody = z.object({ everywhere: z.boolean().default(false) }).strict();
export const SignOutRequest = z.object({ actor: Actor, signInId: Id.optional(), everywhere: z.boolean() }).strict();
export type SignOutRequest = z.infer<typeof SignOutRequest>;
export interface SignOutReply {
  /** How many sign-ins were ended (0 when this one had already ended). */
  revoked: number;
}
export interface PasskeySignInOptionsReply {
  options: AuthenticationOptions;
  expiresAt: string;
}
/** The browser's answer to a sign-in challenge. */
export const PasskeySignInRequest = z.object({ response: AuthenticationResponse }).strict();
export type PasskeySignInRequest = z.infer<typeof PasskeySignInRequest>;
/** verification-service's answer: whose passkey signed the challenge. */
export interface PasskeyAssertionReply {
  userId: string;
  credentialId: string;
}
/** Internal (gateway → identity): begin single sign-on; `browserBinding` is the random value of the browser's cookie. */
export const SsoStartRequest = z.object({ browserBinding: z.string().min(20).max(200) }).strict();
export interface SsoStartReply {
  /** Where to send the browser: the provider's authorization endpoint. */
  url: string;
}
/** Internal (gateway → identity): the provider sent the browser back to the callback with these query parameters. */
export const SsoCallbackRequest = z
  .object({
    // Its parameters (state, code, error) are looked up in the database and shown to the user once decoded.
    query: z.string().max(8_192).refine(decodesToText, 'must not contain control characters once decoded'),
    browserBinding: z.string().max(200).optional(),
  })
  .strict();
function decodesToText(query: string): boolean {
  for (const [key, value] of new URLSearchParams(query)) {
    for (const text of [key, value]) if (ControlCharacter.test(text) || LoneSurrogate.test(text)) return false;
  }
  return true;
}
export interface SsoCallbackReply {
  /** A one-time code the web client exchanges for tokens (POST /api/auth/sso/exchange); valid 2 minutes. */
  code: string;
}
export const SsoExchangeRequest = z.object({ code: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'must be a sign-in code') }).strict();
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequest>;
export interface AuthConfigReply {
  /** Password sign-in is always offered. */
  password: true;
  passkey: true;
  sso: { enabled: false } | { enabled: true; label: string };
}

export const SignInRpc = {
  identitySignIn: command('cc.identity.signin.v1', SignInRequest).replies<SignInReply>(),
  // sign-in security
  identityPasswordSignIn: command('cc.identity.password-signin.v1', PasswordSignInRequest).replies<SignInReply>(),
  identityRefresh: command('cc.identity.refresh.v1', RefreshRequest).replies<SignInReply>(),
  identitySignOut: command('cc.identity.sign-out.v1', SignOutRequest).replies<SignOutReply>(),
  identityPasskeySignInOptions: command('cc.identity.passkey-signin-options.v1', EmptyRequest).replies<PasskeySignInOptionsReply>(),
  identityPasskeySignIn: command('cc.identity.passkey-signin.v1', PasskeySignInRequest).replies<SignInReply>(),
  identitySsoStart: command('cc.identity.sso-start.v1', SsoStartRequest).replies<SsoStartReply>(),
  identitySsoCallback: command('cc.identity.sso-callback.v1', SsoCallbackRequest).replies<SsoCallbackReply>(),
  identitySsoExchange: command('cc.identity.sso-exchange.v1', SsoExchangeRequest).replies<SignInReply>(),
  identityAuthConfig: command('cc.identity.auth-config.v1', EmptyRequest).replies<AuthConfigReply>(),
  /** Internal (identity → verification): a sign-in challenge; no user is known yet. */
  passkeySignInChallenge: command('cc.verification.signin-challenge.v1', EmptyRequest).replies<PasskeySignInOptionsReply>(),
  passkeySignInAssertion: command('cc.verification.signin-assertion.v1', PasskeySignInRequest).replies<PasskeyAssertionReply>(),
};
