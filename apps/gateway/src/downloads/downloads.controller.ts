import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Id, Rpc, authorize, parseOrThrow, type Actor } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { newCorrelationId } from '@classconnect/observability';
import { AuthService, actorOf, bearerToken } from '../auth/auth.service.js';
import { recordsToCsv } from './records-csv.js';
import { reportFileName, reportToCsv } from './report-csv.js';
import { reportToXlsx, reportXlsxName } from './report-xlsx.js';

/**
 * Reports and records over HTTP with a bearer token: a session's report (JSON, CSV, spreadsheet)
 * for its teachers, a student's own records (JSON, CSV).
 */
@Controller()
export class DownloadsController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  @Get('api/sessions/:sessionId/report')
  async report(@Param('sessionId') sessionId: string, @Headers('authorization') authorization?: string) {
    const actor = await this.actor(authorization);
    authorize(actor, 'report.read');
    return this.rpc.request(Rpc.reportGet, { actor, sessionId: parseOrThrow(Id, sessionId, 'session id') }, { correlationId: newCorrelationId() });
  }

  @Get('api/sessions/:sessionId/report.csv')
  async reportCsv(@Param('sessionId') sessionId: string, @Res() res: Response, @Headers('authorization') authorization?: string) {
    const report = await this.report(sessionId, authorization);
    res
      .status(200)
      .setHeader('Content-Type', 'text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${reportFileName(report)}"`)
      .send(reportToCsv(report));
  }

  @Get('api/sessions/:sessionId/report.xlsx')
  async reportXlsx(@Param('sessionId') sessionId: string, @Res() res: Response, @Headers('authorization') authorization?: string) {
    const report = await this.report(sessionId, authorization);
    res
      .status(200)
      .setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="${reportXlsxName(report)}"`)
      .send(await reportToXlsx(report));
  }

  @Get('api/me/records.json')
  async recordsJson(@Res() res: Response, @Headers('authorization') authorization?: string) {
    const records = await this.myRecords(authorization);
    res
      .status(200)
      .setHeader('Content-Disposition', `attachment; filename="attendance-records-${records.generatedAt.slice(0, 10)}.json"`)
      .setHeader('Cache-Control', 'no-store')
      .json(records);
  }

  @Get('api/me/records.csv')
  async recordsCsv(@Res() res: Response, @Headers('authorization') authorization?: string) {
    const records = await this.myRecords(authorization);
    res
      .status(200)
      .setHeader('Content-Type', 'text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="attendance-records-${records.generatedAt.slice(0, 10)}.csv"`)
      .setHeader('Cache-Control', 'no-store')
      .send(recordsToCsv(records));
  }

  private async actor(authorization: string | undefined): Promise<Actor> {
    return actorOf(await this.auth.authenticate(bearerToken(authorization)));
  }

  private async myRecords(authorization: string | undefined) {
    const actor = await this.actor(authorization);
    authorize(actor, 'records.download-own');
    return this.rpc.request(Rpc.reportMyRecords, { actor }, { correlationId: newCorrelationId() });
  }
}
