import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '@classconnect/contracts';

/** A request body over its limit: VALIDATION_FAILED with a sentence, answered with HTTP 413 (DomainErrorFilter). */
export class BodyTooLargeError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.VALIDATION_FAILED, message);
    this.name = 'BodyTooLargeError';
  }
}

/** The JSON (and form) bodies of the HTTP API (sign-in, refresh, …): none is near this. The roster file has its own. */
export const BodyLimitBytes = 64 * 1024;

/**
 * The parsers for JSON and form bodies. Over the limit: 413; not JSON: 400; both VALIDATION_FAILED
 * in our error shape (Nest hands the parser's error to DomainErrorFilter). Other bodies (the roster
 * file) are read by their handler with readTextBody.
 */
export function useBodyParsers(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: BodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: BodyLimitBytes, extended: true });
}

/**
 * How much of an over-limit body is read and thrown away so the client hears the 413: a client
 * still sending when the connection closes gets a reset instead of the answer. Past this, the
 * connection is cut: nobody sends that much by mistake.
 */
const DiscardLimitBytes = 16 * 1024 * 1024;

/**
 * Reads the request body as UTF-8 text, up to `maxBytes`. A larger body is refused with
 * BodyTooLargeError (`tooLarge` says what to do), but only once the rest of it has been read and
 * discarded, so the client gets the answer rather than a reset connection.
 */
export function readTextBody(req: Request, maxBytes: number, tooLarge: string): Promise<string> {
  if (typeof req.body === 'string') return Promise.resolve(req.body); // a body parser already read it
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      req.off('data', onData).off('end', onEnd);
      // Not for await…break, nor req.destroy(): both reset the connection before the answer is sent.
      // The answer waits for the end of the body: some clients read nothing until they have sent it all.
      req.on('data', (more: Buffer) => {
        size += more.length;
        if (size > DiscardLimitBytes) req.destroy();
      });
      req.on('end', () => reject(new BodyTooLargeError(tooLarge)));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}
