/**
 * The time, behind one seam for every app: services ask a Clock, and unit tests give them a
 * SettableClock fixed at the instant they need. Nest injects it by this class.
 */
export abstract class Clock {
  abstract now(): Date;
  /** Milliseconds since the epoch, for timers and rate limits. */
  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
  override nowMs(): number {
    return Date.now();
  }
}

/** A clock for tests: it stands still until told to move. */
export class SettableClock extends Clock {
  constructor(private current: Date = new Date('2026-01-05T09:00:00Z')) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
