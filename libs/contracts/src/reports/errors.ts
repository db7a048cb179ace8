/** Error codes of reports (joined into ErrorCode, error-codes.ts). A published code is never renamed or given a new meaning. */
export const ReportErrorCodes = {
  REPORT_NOT_READY: 'REPORT_NOT_READY',
} as const;
