/**
 * Error codes of no one context: the request's shape, who sent it, and the infrastructure. Each
 * context keeps its own in its errors.ts; error-codes.ts joins them into ErrorCode.
 * A published code is never renamed or given a new meaning: add a new one beside it.
 */
export const CommonErrorCodes = {
  // request shape and identity
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  IDENTITY_MISMATCH: 'IDENTITY_MISMATCH',
  RATE_LIMITED: 'RATE_LIMITED',
  // infrastructure
  NOT_FOUND: 'NOT_FOUND',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
