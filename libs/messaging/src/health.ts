import { createLogger } from '@classconnect/observability';

const log = createLogger('MessagingHealth');

/** How often a part that is still down is logged again, so an operator reading the log sees it. */
const RepeatDownLogMs = 30_000;

export interface PartState {
  name: string;
  up: boolean;
  since: string;
  error?: string;
}

/**
 * Which long-running parts of this process (durable consumers, followers) are working. A part that
 * is down makes the process not ready (`/health/ready`) and is logged as an error until it is back:
 * a consumer that stopped must never go unnoticed.
 */
export class MessagingHealth {
  private readonly parts = new Map<string, PartState & { timer?: NodeJS.Timeout }>();

  up(name: string): void {
    const prev = this.parts.get(name);
    if (prev?.timer) clearInterval(prev.timer);
    if (prev && !prev.up) log.warn({ part: name, downSince: prev.since }, `${name} is running again`);
    if (!prev || !prev.up) this.parts.set(name, { name, up: true, since: new Date().toISOString() });
  }

  down(name: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    const prev = this.parts.get(name);
    if (prev && !prev.up) return;
    const since = new Date().toISOString();
    log.error({ part: name, err }, `${name} stopped; restarting it`);
    const timer = setInterval(() => log.error({ part: name, downSince: since, error }, `${name} is still down`), RepeatDownLogMs).unref();
    this.parts.set(name, { name, up: false, since, error, timer });
  }

  /** Forgets a part that was stopped on purpose (shutdown). */
  remove(name: string): void {
    const prev = this.parts.get(name);
    if (prev?.timer) clearInterval(prev.timer);
    this.parts.delete(name);
  }

  /** The parts that are down now, for a readiness answer. */
  downParts(): PartState[] {
    return [...this.parts.values()].filter((p) => !p.up).map(({ timer: _t, ...p }) => p);
  }

  all(): PartState[] {
    return [...this.parts.values()].map(({ timer: _t, ...p }) => p);
  }
}

/** The process's one registry: consumers and followers report to it, health endpoints read it. */
export const messagingHealth = new MessagingHealth();
