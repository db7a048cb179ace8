import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger, newCorrelationId } from '@classconnect/observability';
import { SessionService } from './session.service.js';

export const SWEEP_INTERVAL_MS = Symbol('SWEEP_INTERVAL_MS');

const log = createLogger('SessionSweeper');

/**
 * Closes sessions left open past the maximum length. A timer per session would die with its
 * process; instead every instance sweeps the Redis schedule every few seconds (see
 * SessionService.closeOverdue for why several instances sweeping at once is safe).
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(SWEEP_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return; // a slow sweep is not overlapped by the next one
    this.running = this.sessions
      .closeOverdue(newCorrelationId())
      .catch((err: unknown) => log.warn({ err }, 'sweep failed; trying again at the next tick'))
      .finally(() => (this.running = undefined));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
