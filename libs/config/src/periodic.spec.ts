import { jest } from '@jest/globals';
import { PeriodicJob } from './periodic.js';

describe('PeriodicJob', () => {
  afterEach(() => jest.useRealTimers());

  it('joins a run still going instead of starting a second one', async () => {
    let release!: (n: number) => void;
    const work = jest.fn(() => new Promise<number>((resolve) => (release = resolve)));
    const job = new PeriodicJob(work);
    const first = job.runOnce();
    const second = job.runOnce();
    expect(work).toHaveBeenCalledTimes(1);
    release(3);
    await expect(first).resolves.toBe(3);
    await expect(second).resolves.toBe(3);
    void job.runOnce(); // the first run has ended: this one is new
    expect(work).toHaveBeenCalledTimes(2);
    release(0);
  });

  it('runs on every tick, once at start when asked, and not after stop', async () => {
    jest.useFakeTimers();
    const work = jest.fn(async () => 0);
    const job = new PeriodicJob(work);
    job.start(1000, { immediately: true });
    expect(work).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    await jest.advanceTimersByTimeAsync(2000);
    expect(work).toHaveBeenCalledTimes(3);
    await job.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('waits for the run in progress when stopped, and survives a run that throws', async () => {
    let release!: () => void;
    let finished = false;
    const job = new PeriodicJob(() => new Promise<void>((resolve) => (release = resolve)).then(() => void (finished = true)));
    void job.runOnce();
    const stopping = job.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    const failing = new PeriodicJob(async () => {
      throw new Error('no database');
    });
    await expect(failing.runOnce()).rejects.toThrow('no database');
    await expect(failing.stop()).resolves.toBeUndefined();
  });
});
