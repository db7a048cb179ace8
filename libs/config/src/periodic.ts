/**
 * A piece of work every instance of a service runs on a timer (a retention sweep, say). A tick
 * that comes while a run is still going joins that run instead of starting a second one; the
 * timer never keeps the process alive; stop() waits for the run in progress, so a shutdown does
 * not cut a batch in half. The work handles its own failures: a run that throws is logged by
 * nobody here, so give it a try/catch that says what failed.
 */
export class PeriodicJob<T> {
  private timer?: ReturnType<typeof setInterval>;
  private running?: Promise<T>;

  constructor(private readonly work: () => Promise<T>) {}

  /** Runs the work every `everyMs` milliseconds, and once at once when `immediately`. */
  start(everyMs: number, { immediately = false }: { immediately?: boolean } = {}): void {
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), everyMs);
    this.timer.unref();
    if (immediately) void this.runOnce().catch(() => undefined);
  }

  /** One run now, or the one already going. */
  runOnce(): Promise<T> {
    this.running ??= this.work().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
