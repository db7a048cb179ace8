export interface Infra {
  NATS_URL: string;
  REDIS_URL: string;
  DATABASE_URL: string;
  stop(): Promise<void>;
  pids(): Record<string, number>;
  /** Stops a server this run started (not a configured or reused one). */
  stopServer(name: InfraServer, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped server again on the same port and data; resolves once it answers. */
  startServer(name: InfraServer): Promise<void>;
}
export type InfraServer = 'nats' | 'redis' | 'postgres';
export function ensureInfra(opts: {
  dataDir: string;
  logDir?: string;
  allowInstall?: boolean;
  fresh?: boolean;
  /** Start a private PostgreSQL on a free port even when one answers on 5432 or DATABASE_URL is set. */
  privatePostgres?: boolean;
  database?: string;
  configured?: Record<string, string | undefined>;
}): Promise<Infra>;
export function freePort(): Promise<number>;
export function ensureChromium(opts?: { allowInstall?: boolean }): string;
