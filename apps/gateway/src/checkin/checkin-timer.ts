import { Injectable } from '@nestjs/common';
import { Metrics } from '@classconnect/observability';

/** Submissions remembered at most (a verdict that never comes must not grow the map forever). */
const MaxPending = 50_000;

/**
 * Times each check-in from its submission on this gateway to the verdict this gateway pushes to
 * the student (cc_checkin_submit_to_verdict_seconds) and counts the verdicts by reason. A verdict
 * for a submission made on another gateway is not this gateway's to time, so each check-in is
 * counted once however many gateways follow the events.
 */
@Injectable()
export class CheckinTimer {
  private readonly pending = new Map<string, number>();

  started(submissionId: string): void {
    if (this.pending.has(submissionId)) return; // a retry: the first submit started the clock
    if (this.pending.size >= MaxPending) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(submissionId, performance.now());
  }

  settled(result: { submissionId: string; verdict: 'accepted' | 'rejected'; reason?: string }): void {
    const start = this.pending.get(result.submissionId);
    if (start === undefined) return;
    this.pending.delete(result.submissionId);
    Metrics.checkinLatency.observe((performance.now() - start) / 1_000);
    Metrics.verdicts.inc({ outcome: result.verdict, reason: result.verdict === 'accepted' ? 'none' : (result.reason ?? 'unknown') });
  }
}
