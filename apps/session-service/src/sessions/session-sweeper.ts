import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '@classconnect/config';
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
 * would otherwise look like nothing to do. A slow sweep is not overlapped by the next tick, and a
 * shutdown waits for the sweep in progress (PeriodicJob).
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job = new PeriodicJob(() => this.sweep());

  constructor(
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(StateRecovery) private readonly recovery: StateRecovery,
    @Inject(SWEEP_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(this.intervalMs, { immediately: true });
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** Never throws: a failure is logged and the next tick tries again. */
  private async sweep(): Promise<void> {
    const correlationId = newCorrelationId();
    try {
      await this.recovery.check(correlationId);
    } catch (err) {
      log.warn({ err }, 'could not look whether Redis lost its state; trying again at the next tick');
    }
    try {
      await this.sessions.closeOverdue(correlationId);
    } catch (err) {
      log.warn({ err }, 'sweep failed; trying again at the next tick');
    }
  }
}
