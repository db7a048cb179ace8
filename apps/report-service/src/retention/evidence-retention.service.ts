import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, PeriodicJob } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { EvidenceStore } from './evidence-retention.repository.js';

const DayMs = 24 * 60 * 60 * 1000;
const Batch = 200;

/**
 * Privacy by design, over time: every EVIDENCE_SWEEP_INTERVAL_MS, sessions closed more than
 * EVIDENCE_RETENTION_DAYS ago lose their detailed evidence (distances, accuracies, methods,
 * rejection details, flags); statuses, times and changes by hand stay. Every instance sweeps; the
 * store makes concurrent sweeps take different sessions, and a swept session is never swept again.
 */
@Injectable()
export class EvidenceRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('EvidenceRetention');
  private readonly job = new PeriodicJob(() => this.sweep());

  constructor(
    @Inject(EvidenceStore) private readonly store: EvidenceStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REPORT_CONFIG) private readonly config: Pick<ReportConfig, 'EVIDENCE_RETENTION_DAYS' | 'EVIDENCE_SWEEP_INTERVAL_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(this.config.EVIDENCE_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** One sweep (joined while the previous one still runs); resolves with how many sessions lost their evidence. */
  sweepOnce(): Promise<number> {
    return this.job.runOnce();
  }

  private async sweep(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.EVIDENCE_RETENTION_DAYS * DayMs);
    let total = 0;
    try {
      for (;;) {
        const ids = await this.store.removeEvidence(cutoff, now, Batch);
        total += ids.length;
        if (ids.length < Batch) break;
      }
    } catch (err) {
      this.log.warn({ err }, 'evidence sweep failed; the next one retries');
    }
    if (total > 0) this.log.info({ sessions: total, retentionDays: this.config.EVIDENCE_RETENTION_DAYS }, 'check-in evidence removed past the retention period');
    return total;
  }
}
