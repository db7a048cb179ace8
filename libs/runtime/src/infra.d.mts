export interface Infra {
  NATS_URL: string;
  /** True when the NATS server asks for credentials (started with natsConfig, or a reused one that does). */
  natsAuthRequired: boolean;
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
  /** A nats-server configuration file (the services' users, scripts/nats-config.mjs) for a NATS started here. */
  natsConfig?: string;
}): Promise<Infra>;
export function freePort(): Promise<number>;
export function ensureChromium(opts?: { allowInstall?: boolean }): string;
