/**
 * A short run of `npm run chaos` (the same scenario code, libs/testing/src/chaos) with a smaller
 * class: verification-service killed mid-burst, a poison event on the stream, a NATS restart
 * followed by a sign-out. Each must lose nothing, duplicate nothing, leave no check-in unanswered,
 * and end with a report. Timings are the chaos command's figures, not asserted here.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SmokeScenarios, runScenario, scenarioNamed } from '@classconnect/testing';

const logDir = join(import.meta.dirname, '..', '..', 'test-artifacts', 'chaos-smoke', new Date().toISOString().replace(/[:.]/g, '-'));

describe('chaos smoke', () => {
  it('runs the three smoke scenarios', () => {
    expect([...SmokeScenarios].sort()).toEqual(['kill-verification-service', 'nats-restart-sign-out', 'poison-event']);
  });

  it.each(['kill-verification-service', 'poison-event', 'nats-restart-sign-out'])('%s: nothing lost, duplicated or unanswered, and a report', async (name) => {
    // The machine's PostgreSQL is enough here: none of these three stops it.
    const r = await runScenario(scenarioNamed(name), { students: 40, burstMs: 10_000, logDir, privatePostgres: false });
    const seen = { error: r.error, checks: r.checks, notes: r.notes, unanswered: r.unansweredReasons, rejected: r.rejections, logDir: r.logDir };
    expect({ ...seen, submitted: r.submitted, toldAccepted: r.toldAccepted, lost: r.lost, duplicated: r.duplicated, unanswered: r.unanswered }).toEqual({
      ...seen,
      error: undefined,
      submitted: 40,
      toldAccepted: 40,
      lost: 0,
      duplicated: 0,
      unanswered: 0,
    });
    expect(r.report).toBeDefined();
    expect(r.inReport).toBe(40);
    for (const check of r.checks) expect(check).toMatchObject({ ok: true });
  });
});
