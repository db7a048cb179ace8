import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Id, Rpc, authorize, parseOrThrow, type Actor, type PersonDataExport } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { newCorrelationId } from '@classconnect/observability';
import { AuthService, actorOf, bearerToken } from '../auth/auth.service.js';

/** A person's data can be large (years of attendance): each part may take longer than an ordinary request. */
const PartTimeoutMs = 20_000;

/**
 * One person's data, whole (GDPR Art. 15 and 20; protocol §10.12): everyone may download their own,
 * an administrator anyone's. Each service answers for its part; this joins them. Webhook endpoints
 * are asked of integration-service only for administrators, the only people who can register one.
 */
@Controller()
export class PersonDataController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  @Get('api/me/data.json')
  async mine(@Res() res: Response, @Headers('authorization') authorization?: string) {
    const actor = actorOf(await this.auth.authenticate(bearerToken(authorization)));
    authorize(actor, 'data.export-own');
    this.send(res, await this.collect(actor, actor.userId));
  }

  @Get('api/users/:userId/data.json')
  async theirs(@Param('userId') userId: string, @Res() res: Response, @Headers('authorization') authorization?: string) {
    const actor = actorOf(await this.auth.authenticate(bearerToken(authorization)));
    const target = parseOrThrow(Id, userId, 'user id');
    authorize(actor, target === actor.userId ? 'data.export-own' : 'user.export');
    this.send(res, await this.collect(actor, target));
  }

  private async collect(actor: Actor, userId: string): Promise<PersonDataExport> {
    const correlationId = newCorrelationId();
    const ask = { correlationId, timeoutMs: PartTimeoutMs };
    const identity = await this.rpc.request(Rpc.identityPersonData, { actor, userId }, ask);
    const [verification, report, integration] = await Promise.all([
      this.rpc.request(Rpc.verificationPersonData, { actor, userId }, ask),
      this.rpc.request(Rpc.reportPersonData, { actor, userId }, ask),
      identity.account.role === 'admin' ? this.rpc.request(Rpc.integrationPersonData, { actor, userId }, ask) : Promise.resolve({ webhookEndpoints: [] }),
    ]);
    return { format: 'classconnect.person-data.v1', generatedAt: new Date().toISOString(), ...identity, ...verification, ...report, ...integration };
  }

  private send(res: Response, data: PersonDataExport): void {
    res
      .status(200)
      .setHeader('Content-Disposition', `attachment; filename="classconnect-data-${data.account.id}-${data.generatedAt.slice(0, 10)}.json"`)
      .setHeader('Cache-Control', 'no-store')
      .json(data);
  }
}
