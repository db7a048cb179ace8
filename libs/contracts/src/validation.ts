import type { z } from 'zod';
import { DomainError, ErrorCode } from './error-codes.js';

/** Parses input with a schema, or throws VALIDATION_FAILED naming each wrong field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what = 'request'): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  const first = issues[0]!;
  throw new DomainError(
    ErrorCode.VALIDATION_FAILED,
    `The ${what} is not valid: ${first.path} ${first.message.charAt(0).toLowerCase()}${first.message.slice(1)}.`,
    issues,
  );
}
