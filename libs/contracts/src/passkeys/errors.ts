/** Error codes of passkeys and their assertions (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const PasskeyErrorCodes = {
  NO_PASSKEY: 'NO_PASSKEY',
  PASSKEY_REGISTRATION_FAILED: 'PASSKEY_REGISTRATION_FAILED',
  UNKNOWN_CREDENTIAL: 'UNKNOWN_CREDENTIAL',
  ASSERTION_INVALID: 'ASSERTION_INVALID',
  USER_NOT_VERIFIED: 'USER_NOT_VERIFIED',
  COUNTER_REPLAY: 'COUNTER_REPLAY',
} as const;
