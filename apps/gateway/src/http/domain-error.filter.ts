import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorCode, type ErrorBody } from '@classconnect/contracts';
import { toErrorBody } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { BodyTooLargeError, BodyLimitBytes } from './request-body.js';

const log = createLogger('HttpErrors');

const StatusOf: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.INVALID_CREDENTIALS]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.IDENTITY_MISMATCH]: 403,
  [ErrorCode.NOT_COURSE_TEACHER]: 403,
  [ErrorCode.NOT_ENROLLED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.COURSE_NOT_FOUND]: 404,
  [ErrorCode.SESSION_NOT_FOUND]: 404,
  [ErrorCode.SESSION_ALREADY_OPEN]: 409,
  [ErrorCode.REPORT_NOT_READY]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL]: 500,
  // rooms and enrollments
  [ErrorCode.ROOM_NOT_FOUND]: 404,
  [ErrorCode.ACCOUNT_NOT_FOUND]: 404,
  [ErrorCode.ROOM_NAME_TAKEN]: 409,
  [ErrorCode.WEBHOOK_NOT_FOUND]: 404,
  [ErrorCode.WEBHOOK_URL_REFUSED]: 400,
  // sign-in security
  [ErrorCode.SIGN_IN_THROTTLED]: 429,
  [ErrorCode.REFRESH_TOKEN_INVALID]: 401,
  [ErrorCode.REFRESH_TOKEN_REUSED]: 401,
  [ErrorCode.SIGN_IN_REVOKED]: 401,
  [ErrorCode.ORIGIN_NOT_ALLOWED]: 403,
  [ErrorCode.ACCOUNT_DISABLED]: 403,
  [ErrorCode.SSO_NOT_CONFIGURED]: 404,
  [ErrorCode.SSO_FAILED]: 400,
  [ErrorCode.CHALLENGE_NOT_FOUND]: 400,
  [ErrorCode.UNKNOWN_CREDENTIAL]: 401,
  [ErrorCode.ASSERTION_INVALID]: 401,
  [ErrorCode.USER_NOT_VERIFIED]: 401,
};

export function httpStatusOf(code: ErrorCode): number {
  return StatusOf[code] ?? 422;
}

/** Every HTTP error is `{ error: { code, message } }` with a status that matches the code. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let body: ErrorBody;
    let status: number;
    if (err instanceof HttpException && !(err instanceof DomainError)) {
      // Express and its body parser: a path with a bad %-escape, a body that is not JSON or is over the limit.
      status = err.getStatus();
      body = status === 404
        ? { code: ErrorCode.NOT_FOUND, message: 'There is no such address in the ClassConnect API.' }
        : status === 413
          ? { code: ErrorCode.VALIDATION_FAILED, message: `The request body is too large: at most ${BodyLimitBytes / 1024} kB.` }
          : status === 400
            ? { code: ErrorCode.VALIDATION_FAILED, message: err.cause instanceof SyntaxError ? 'The request body is not valid JSON.' : 'The request is not valid.' }
            : toErrorBody(err, log);
      if (body.code === ErrorCode.INTERNAL) status = 500;
    } else {
      body = toErrorBody(err, log);
      status = err instanceof BodyTooLargeError ? 413 : httpStatusOf(body.code);
    }
    if (body.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(body.retryAfterSeconds));
    res.status(status).json({ error: body });
  }
}
