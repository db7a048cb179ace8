import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Id, Rpc, authorize, parseOrThrow, type Actor } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { newCorrelationId } from '@classconnect/observability';
import { AuthService, actorOf, bearerToken } from '../auth/auth.service.js';
import { recordsToCsv } from './records-csv.js';
import { reportToXlsx, reportXlsxName } from './report-xlsx.js';

/** Files to download with a bearer token: a student's own records (CSV, JSON), a session report as a spreadsheet. */
@Controller()
export class DownloadsController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  private async actor(authorization: string | undefined): Promise<Actor> {
    return actorOf(await this.auth.authenticate(bearerToken(authorization)));
  }

  private async myRecords(authorization: string | undefined) {
    const actor = await this.actor(authorization);
    authorize(actor, 'records.download-own');
    return this.rpc.request(Rpc.reportMyRecords, { actor }, { correlationId: newCorrelationId() });
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

  @Get('api/sessions/:sessionId/report.xlsx')
  async reportXlsx(@Param('sessionId') sessionId: string, @Res() res: Response, @Headers('authorization') authorization?: string) {
    const actor = await this.actor(authorization);
    authorize(actor, 'report.read');
    const report = await this.rpc.request(Rpc.reportGet, { actor, sessionId: parseOrThrow(Id, sessionId, 'session id') }, { correlationId: newCorrelationId() });
    res
      .status(200)
      .setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="${reportXlsxName(report)}"`)
      .send(await reportToXlsx(report));
  }
}
