import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { NATS_CONNECTION, consumersCheck, natsCheck, type NatsConnection } from '@classconnect/messaging';
import { metricsText, readiness } from '@classconnect/observability';
import { GatewayDrain } from '../realtime/gateway-drain.service.js';

/** The small HTTP API: health, metrics, home (sign-in: auth/auth.controller.ts, downloads: downloads/). Everything live goes over Socket.IO. */
@Controller()
export class ApiController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GatewayDrain) private readonly drain: GatewayDrain,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Ready when NATS answers a round trip now and every follower runs (e.g. sign-out enforcement),
   * and not while draining (SIGTERM): 503 with what failed. The same answer as the other services'
   * ops port (libs/observability ops-server.ts).
   */
  @Get('health/ready')
  async ready(@Res() res: Response) {
    const report = await readiness([natsCheck(this.nc), consumersCheck], this.drain.draining);
    res.status(report.ok ? 200 : 503).json(report.body);
  }

  /** Prometheus text: sockets, check-in latency and verdicts, NATS requests, process metrics. */
  @Get('metrics')
  async metrics(@Res() res: Response) {
    const { contentType, text } = await metricsText();
    res.type(contentType).send(text);
  }

  @Get()
  home(@Res() res: Response) {
    res.type('html').send(HOME_PAGE);
  }
}

/** Answers `/` only when the web client was not built (mountWebClient serves it otherwise). */
const HOME_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ClassConnect</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2330}code{background:#eef1f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>ClassConnect is running</h1>
<p>The web client is not built in this installation: run <code>npm run build</code> (or <code>npm start</code>,
which builds what is missing) and reload.</p>
<p>Other clients use the Socket.IO protocol at <code>/socket.io</code> and the HTTP API under <code>/api</code>,
both described in <code>docs/protocol.md</code>; <code>/health/ready</code> says whether this gateway can serve.</p></body></html>`;
