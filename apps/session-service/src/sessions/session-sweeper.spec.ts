import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { SessionService } from './session.service.js';
import { SessionSweeper } from './session-sweeper.js';
import type { StateRecovery } from './state-recovery.service.js';

const EveryMs = 1_000;

/** A step of the sweep that the test finishes by hand, recording the correlation id it was given. */
class Step {
  readonly calls: (string | undefined)[] = [];
  private finish: (() => void)[] = [];
  private open = false;
  fail = false;
  readonly run = (correlationId?: string): Promise<void> => {
    this.calls.push(correlationId);
    const done = new Promise<void>((resolve, reject) => this.finish.push(() => (this.fail ? reject(new Error('Redis is down')) : resolve())));
    if (this.open) this.release();
    return done;
  };
  /** Ends every call still going. */
  release(): void {
    for (const f of this.finish.splice(0)) f();
  }
  /** Ends every call still going and every call to come at once. */
  openUp(): void {
    this.open = true;
    this.release();
  }
}

describe('SessionSweeper', () => {
  let check: Step;
  let closeOverdue: Step;
  let sweeper: SessionSweeper;
  /** Lets the sweep's awaits move on. */
  const settle = () => jest.advanceTimersByTimeAsync(0);

  beforeEach(() => {
    jest.useFakeTimers();
    check = new Step();
    closeOverdue = new Step();
    const sessions = { closeOverdue: closeOverdue.run } as unknown as SessionService;
    const recovery = { check: check.run } as unknown as StateRecovery;
    sweeper = new SessionSweeper(sessions, recovery, EveryMs);
  });

  afterEach(async () => {
    check.openUp();
    closeOverdue.openUp();
    await sweeper.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('sweeps at bootstrap, then on every tick: first the state check, then the overdue sessions, under one correlation id', async () => {
    sweeper.onApplicationBootstrap();
    expect(check.calls).toHaveLength(1);
    expect(closeOverdue.calls).toHaveLength(0);
    check.release();
    await settle();
    expect(closeOverdue.calls).toHaveLength(1);
    expect(closeOverdue.calls[0]).toBe(check.calls[0]);
    expect(check.calls[0]).toEqual(expect.any(String));
    closeOverdue.release();
    await settle();
    await jest.advanceTimersByTimeAsync(EveryMs);
    expect(check.calls).toHaveLength(2);
    expect(check.calls[1]).not.toBe(check.calls[0]);
  });

  it('does not start a sweep while the previous one is still going', async () => {
    sweeper.onApplicationBootstrap();
    check.release();
    await settle();
    // closeOverdue is slow: three ticks pass without a second sweep.
    await jest.advanceTimersByTimeAsync(3 * EveryMs);
    expect(check.calls).toHaveLength(1);
    closeOverdue.release();
    await settle();
    await jest.advanceTimersByTimeAsync(EveryMs);
    expect(check.calls).toHaveLength(2);
  });

  it('still closes overdue sessions when the state check fails, and sweeps again at the next tick after a failed sweep', async () => {
    check.fail = true;
    closeOverdue.fail = true;
    sweeper.onApplicationBootstrap();
    check.release();
    await settle();
    expect(closeOverdue.calls).toHaveLength(1);
    closeOverdue.release();
    await settle();
    await jest.advanceTimersByTimeAsync(EveryMs);
    expect(check.calls).toHaveLength(2);
  });

  it('on shutdown waits for the sweep in progress, and sweeps no more', async () => {
    sweeper.onApplicationBootstrap();
    let stopped = false;
    const stopping = sweeper.onApplicationShutdown().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    check.release();
    await settle();
    expect(stopped).toBe(false);
    closeOverdue.release();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(5 * EveryMs);
    expect(check.calls).toHaveLength(1);
  });
});
