import { Controller, Headers, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { DomainError, ErrorCode, Rpc, RosterCsv, RosterCsvMaxChars, RosterImportOptions, authorize, parseOrThrow } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { newCorrelationId } from '@classconnect/observability';
import { AuthService, actorOf, bearerToken } from '../auth/auth.service.js';
import { readTextBody } from '../http/request-body.js';
import { RosterImportTimeoutMs } from '../realtime/relay-table.js';

/** The body as a field, so a refusal names it: "… body must not contain the NUL character". */
const RosterBody = z.object({ body: RosterCsv });

/**
 * Roster import for IT scripts: `POST /api/courses/import?mode=preview|commit[&courseId=…][&removeMissing=true]`
 * with the file as the body (`Content-Type: text/csv`) and `Authorization: Bearer <token>`. Answers the
 * same JSON as the roster:import socket event.
 */
@Controller()
export class RosterImportController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  @Post('api/courses/import')
  @HttpCode(200)
  async import(
    @Req() req: Request,
    @Query() query: Record<string, unknown>,
    @Headers('authorization') authorization?: string,
    @Headers('content-type') contentType?: string,
  ) {
    const actor = actorOf(await this.auth.authenticate(bearerToken(authorization)));
    authorize(actor, 'roster.import');
    if (!/^text\/(csv|plain)\b/i.test(contentType ?? '')) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Send the roster file as the request body with Content-Type: text/csv.');
    }
    const options = parseOrThrow(
      RosterImportOptions,
      {
        mode: query.mode,
        ...(query.courseId !== undefined ? { courseId: query.courseId } : {}),
        ...(query.removeMissing !== undefined ? { removeMissing: query.removeMissing === 'true' || query.removeMissing === '1' } : {}),
      },
      'import options',
    );
    // Counted in bytes: the file travels on as one NATS message (at most 1 MiB), however many characters it has.
    const text = await readTextBody(
      req,
      RosterCsvMaxChars,
      `The roster file is too large: at most ${Math.round(RosterCsvMaxChars / 1000)} kB (about 15,000 lines). Split it by course.`,
    );
    if (!text.trim()) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The request body is empty: send the roster file as text/csv.');
    const csv = parseOrThrow(RosterBody, { body: text }, 'roster file').body;
    return this.rpc.request(Rpc.identityRosterImport, { actor, ...options, csv }, { correlationId: newCorrelationId(), timeoutMs: RosterImportTimeoutMs });
  }
}
