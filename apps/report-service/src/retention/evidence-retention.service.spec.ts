import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { EvidenceStore } from './evidence-retention.repository.js';
import { EvidenceRetentionService } from './evidence-retention.service.js';
import { EvidenceKeys, withoutEvidenceSql } from './evidence.sql.js';

class FakeStore extends EvidenceStore {
  readonly calls: { cutoff: string; at: string; limit: number }[] = [];
  constructor(private readonly pending: string[]) {
    super();
  }
  async removeEvidence(cutoff: Date, at: Date, limit: number) {
    this.calls.push({ cutoff: cutoff.toISOString(), at: at.toISOString(), limit });
    return this.pending.splice(0, limit);
  }
}

const clock = new SettableClock(new Date('2027-03-02T09:00:00.000Z'));

describe('EvidenceRetentionService', () => {
  it('removes the evidence of sessions closed more than the retention period ago, in batches until none is left', async () => {
    const store = new FakeStore(Array.from({ length: 450 }, (_, i) => `s${i}`));
    const service = new EvidenceRetentionService(store, clock, { EVIDENCE_RETENTION_DAYS: 365, EVIDENCE_SWEEP_INTERVAL_MS: 1000 });
    await expect(service.sweepOnce()).resolves.toBe(450);
    expect(store.calls.map((c) => c.cutoff)).toEqual(Array(3).fill('2026-03-02T09:00:00.000Z'));
    expect(store.calls[0]).toMatchObject({ at: '2027-03-02T09:00:00.000Z', limit: 200 });
    // Nothing left: the next sweep changes nothing.
    await expect(service.sweepOnce()).resolves.toBe(0);
  });

  it('with a retention of 0 days, takes every closed session up to now', async () => {
    const store = new FakeStore(['s1']);
    const service = new EvidenceRetentionService(store, clock, { EVIDENCE_RETENTION_DAYS: 0, EVIDENCE_SWEEP_INTERVAL_MS: 1000 });
    await service.sweepOnce();
    expect(store.calls[0]!.cutoff).toBe('2027-03-02T09:00:00.000Z');
  });

  it('survives a failing store (the next sweep retries)', async () => {
    const store = new (class extends EvidenceStore {
      async removeEvidence(): Promise<string[]> {
        throw new Error('Postgres is down');
      }
    })();
    const service = new EvidenceRetentionService(store, clock, { EVIDENCE_RETENTION_DAYS: 1, EVIDENCE_SWEEP_INTERVAL_MS: 1000 });
    await expect(service.sweepOnce()).resolves.toBe(0);
  });

  it('strips exactly the evidence keys from report rows', () => {
    expect(EvidenceKeys).toEqual(['distanceM', 'accuracyM', 'methods', 'lastRejection', 'flags']);
    expect(withoutEvidenceSql('r.rows')).toContain(`- '{distanceM,accuracyM,methods,lastRejection,flags}'::text[]`);
  });
});
