/** Error codes of device binding: new passkeys wait for approval (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const DeviceErrorCodes = {
  /** The passkey is waiting for a teacher's or an admin's approval, or was refused: it cannot check in. */
  DEVICE_NOT_APPROVED: 'DEVICE_NOT_APPROVED',
} as const;
