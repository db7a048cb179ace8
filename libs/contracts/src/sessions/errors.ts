/** Error codes of live sessions (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const SessionErrorCodes = {
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  SESSION_ALREADY_OPEN: 'SESSION_ALREADY_OPEN',
  SESSION_NOT_OPEN: 'SESSION_NOT_OPEN',
  /** session:qr for a session that does not use QR codes. */
  QR_NOT_ENABLED: 'QR_NOT_ENABLED',
  /** session:reopen for a session that is open, or that the system closed (maximum length, state lost): only a Stop can be undone. */
  SESSION_NOT_STOPPED: 'SESSION_NOT_STOPPED',
  /** session:reopen more than the reopen window (REOPEN_WINDOW_SECONDS) after Stop. */
  REOPEN_WINDOW_PASSED: 'REOPEN_WINDOW_PASSED',
} as const;
