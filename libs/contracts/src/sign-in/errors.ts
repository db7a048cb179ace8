/** Error codes of signing in and staying signed in (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const SignInErrorCodes = {
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  // sign-in security
  /** Too many failed sign-ins for this email (or from this address): wait `retryAfterSeconds`. Same answer whether the account exists or not. */
  SIGN_IN_THROTTLED: 'SIGN_IN_THROTTLED',
  /** The refresh token is unknown, expired, or its sign-in was ended (signed out, disabled). */
  REFRESH_TOKEN_INVALID: 'REFRESH_TOKEN_INVALID',
  /** A refresh token already spent was presented again: the whole sign-in is ended, as the token may have been stolen. */
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  /** The access token belongs to a sign-in that was ended (signed out, or the account was disabled). */
  SIGN_IN_REVOKED: 'SIGN_IN_REVOKED',
  /**
   * The request came from a web page that is not ClassConnect's own (its `Origin` header names another
   * site), or asked for the sign-in cookie without saying where it came from: refused on the socket
   * handshake and on the sign-in endpoints that set or read the cookie.
   */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** The account is disabled (said only to someone who proved who they are: passkey or single sign-on). */
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  /** Single sign-on is not configured on this server. */
  SSO_NOT_CONFIGURED: 'SSO_NOT_CONFIGURED',
  /** Single sign-on failed: the provider refused, the state did not match, or the code expired. */
  SSO_FAILED: 'SSO_FAILED',
} as const;
