export interface Infra {
  NATS_URL: string;
  REDIS_URL: string;
  DATABASE_URL: string;
  stop(): Promise<void>;
  pids(): Record<string, number>;
}
export function ensureInfra(opts: {
  dataDir: string;
  logDir?: string;
  allowInstall?: boolean;
  fresh?: boolean;
  database?: string;
  configured?: Record<string, string | undefined>;
}): Promise<Infra>;
export function freePort(): Promise<number>;
export function ensureChromium(opts?: { allowInstall?: boolean }): string;
