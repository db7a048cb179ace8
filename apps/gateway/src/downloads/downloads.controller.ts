import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorCode, Id, Rpc, authorize, parseOrThrow, type Actor } from '@classconnect/contracts';

interface ExportQuery {
  lang?: string;
  tz?: string;
}
import { RpcClient } from '@classconnect/messaging';
import { newCorrelationId } from '@classconnect/observability';
import type { AccessClaims } from '@classconnect/auth';
import { AuthService, actorOf, bearerToken } from '../auth/auth.service.js';
import { courseCsv, courseXlsx, exportOptions, inZone, peopleReportCsv, peopleReportXlsx, safeName, type ExportQueryOptions } from './people-export.js';
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

  /** With `lang`: for people (headers and statuses in that language, times in the course's zone or `tz`, a heading); without: the machine CSV. */
  @Get('api/sessions/:sessionId/report.csv')
  async reportCsv(@Param('sessionId') sessionId: string, @Res() res: Response, @Query() query: ExportQuery, @Headers('authorization') authorization?: string) {
    const { claims, options } = await this.forPeople(query, authorization);
    const report = await this.report(sessionId, authorization);
    res
      .status(200)
      .setHeader('Content-Type', 'text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${reportFileName(report)}"`)
      .send(options && claims ? peopleReportCsv(report, inZone(options, report.timeZone)) : reportToCsv(report));
  }

  @Get('api/sessions/:sessionId/report.xlsx')
  async reportXlsx(@Param('sessionId') sessionId: string, @Res() res: Response, @Query() query: ExportQuery, @Headers('authorization') authorization?: string) {
    const { options } = await this.forPeople(query, authorization);
    const report = await this.report(sessionId, authorization);
    res
      .status(200)
      .setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="${reportXlsxName(report)}"`)
      .send(options ? await peopleReportXlsx(report, inZone(options, report.timeZone)) : await reportToXlsx(report));
  }

  /** The whole course: a row per student, a column per closed session, the counts and the rate (for people: `lang` is required). */
  @Get('api/courses/:courseId/attendance.:format')
  async courseExport(@Param('courseId') courseId: string, @Param('format') format: string, @Res() res: Response, @Query() query: ExportQuery, @Headers('authorization') authorization?: string) {
    if (format !== 'csv' && format !== 'xlsx') throw new DomainError(ErrorCode.NOT_FOUND, 'The whole-course export is attendance.csv or attendance.xlsx.');
    const claims = await this.auth.authenticate(bearerToken(authorization));
    const actor = actorOf(claims);
    authorize(actor, 'history.read-course');
    const options = exportOptions({ lang: query.lang ?? 'en', ...(query.tz ? { tz: query.tz } : {}) }, { name: claims.name, role: claims.role });
    const history = await this.rpc.request(Rpc.reportCourseHistory, { actor, courseId: parseOrThrow(Id, courseId, 'course id') }, { correlationId: newCorrelationId() });
    const name = `attendance-${safeName(history.courseCode)}-all-sessions.${format}`;
    res.status(200).setHeader('Content-Disposition', `attachment; filename="${name}"`);
    const zoned = inZone(options, history.timeZone);
    if (format === 'csv') res.setHeader('Content-Type', 'text/csv; charset=utf-8').send(courseCsv(history, zoned));
    else res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await courseXlsx(history, zoned));
  }

  /** The export options when `lang` is asked for (a bad language or zone is a clear 400 before any work). */
  private async forPeople(query: ExportQuery, authorization: string | undefined): Promise<{ claims?: AccessClaims; options?: ExportQueryOptions }> {
    if (query.lang === undefined) return {};
    const claims = await this.auth.authenticate(bearerToken(authorization));
    return { claims, options: exportOptions(query, { name: claims.name, role: claims.role }) };
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
