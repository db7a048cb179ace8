import { readFileSync } from 'node:fs';

/**
 * The connection-security settings every schema that has them shares (BaseEnv, RedisEnv,
 * DatabaseEnv), turned into what each client library takes. Files are read when a connection is
 * made, so a certificate authority rotated in its Secret is picked up by the next start.
 */
interface ConnectionSettings {
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  DATABASE_URL?: string | undefined;
  DATABASE_TLS_CA_FILE?: string | undefined;
  REDIS_URL?: string | undefined;
  REDIS_TLS_CA_FILE?: string | undefined;
}

/** Rules across two settings, which a schema field cannot check alone (loadConfig reports them like any other). */
export function connectionIssues(env: unknown): { path: string[]; message: string }[] {
  const e = (env ?? {}) as ConnectionSettings;
  const issues: { path: string[]; message: string }[] = [];
  if (Boolean(e.NATS_USER) !== Boolean(e.NATS_PASSWORD)) {
    issues.push({ path: [e.NATS_USER ? 'NATS_PASSWORD' : 'NATS_USER'], message: 'NATS_USER and NATS_PASSWORD are set together or not at all' });
  }
  if (e.REDIS_TLS_CA_FILE && e.REDIS_URL && !e.REDIS_URL.startsWith('rediss://')) {
    issues.push({ path: ['REDIS_URL'], message: 'must be a rediss:// address when REDIS_TLS_CA_FILE is set' });
  }
  return issues;
}

/**
 * DATABASE_TLS_CA_FILE folded into DATABASE_URL as `sslrootcert` (node-postgres reads the file
 * from there), with `sslmode=verify-full` unless the URL names a mode: every user of the URL
 * (migrations, data sources, the CLI) then connects the same way.
 */
export function withDatabaseCa<T>(config: T): T {
  const c = config as ConnectionSettings;
  if (!c.DATABASE_URL || !c.DATABASE_TLS_CA_FILE) return config;
  const url = new URL(c.DATABASE_URL);
  url.searchParams.set('sslrootcert', c.DATABASE_TLS_CA_FILE);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'verify-full');
  return { ...config, DATABASE_URL: url.toString() };
}

/** ioredis's `tls` option: the CA for a rediss:// URL (ioredis turns TLS on for rediss:// by itself). */
export function redisTlsOptions(config: { REDIS_URL: string; REDIS_TLS_CA_FILE?: string | undefined }): { tls?: { ca: Buffer } } {
  if (!config.REDIS_TLS_CA_FILE) return {};
  return { tls: { ca: readFileSync(config.REDIS_TLS_CA_FILE) } };
}

/** What @nats-io/transport-node's connect takes for NATS_USER/NATS_PASSWORD and NATS_TLS_CA_FILE. */
export interface NatsSecurity {
  user?: string;
  pass?: string;
  tls?: { caFile: string };
}

export function natsSecurity(config: { NATS_USER?: string | undefined; NATS_PASSWORD?: string | undefined; NATS_TLS_CA_FILE?: string | undefined }): NatsSecurity {
  return {
    ...(config.NATS_USER && config.NATS_PASSWORD ? { user: config.NATS_USER, pass: config.NATS_PASSWORD } : {}),
    ...(config.NATS_TLS_CA_FILE ? { tls: { caFile: config.NATS_TLS_CA_FILE } } : {}),
  };
}
