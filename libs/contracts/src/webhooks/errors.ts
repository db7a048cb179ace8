/** Error codes of webhooks (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const WebhookErrorCodes = {
  /** No endpoint with that id. */
  WEBHOOK_NOT_FOUND: 'WEBHOOK_NOT_FOUND',
  /** The URL may not be called: not http(s), credentials in it, a name that does not resolve, or an address that is not public (loopback, private, link-local…) and not on the allow-list. */
  WEBHOOK_URL_REFUSED: 'WEBHOOK_URL_REFUSED',
} as const;
