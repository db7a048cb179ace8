import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLogger, newCorrelationId } from '@classconnect/observability';
import { SessionService } from './session.service.js';
import { StateRecovery } from './state-recovery.service.js';

export const SWEEP_INTERVAL_MS = Symbol('SWEEP_INTERVAL_MS');

const log = createLogger('SessionSweeper');

/**
 * Closes sessions left open past the maximum length. A timer per session would die with its
 * process; instead every instance sweeps the Redis schedule every few seconds (see
 * SessionService.closeOverdue for why several instances sweeping at once is safe). Each sweep
 * first looks whether Redis came back empty (StateRecovery), at start too: an empty schedule
 * would otherwise look like nothing to do.
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(StateRecovery) private readonly recovery: StateRecovery,
    @Inject(SWEEP_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  private tick(): void {
    if (this.running) return; // a slow sweep is not overlapped by the next one
    const correlationId = newCorrelationId();
    this.running = this.recovery
      .check(correlationId)
      .catch((err: unknown) => log.warn({ err }, 'could not look whether Redis lost its state; trying again at the next tick'))
      .then(() => this.sessions.closeOverdue(correlationId))
      .catch((err: unknown) => log.warn({ err }, 'sweep failed; trying again at the next tick'))
      .finally(() => (this.running = undefined));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
