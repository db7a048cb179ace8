import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { createLogger } from '@classconnect/observability';

const log = createLogger('Persistence');

export interface ServiceDataSourceOptions {
  url: string;
  /** The Postgres schema this service owns. No other service reads it. */
  schema: string;
  migrations: (new () => MigrationInterface)[];
  poolSize?: number;
}

/** Creates the database named in the URL when it does not exist yet (the launcher and tests use this). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        log.info({ database: name }, 'database created');
      } catch (err) {
        // 42P04: exists; 23505: another process created it at the same moment.
        const code = (err as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** A typeorm DataSource bound to the service's own schema, with its migrations. */
export function createServiceDataSource(opts: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    migrations: opts.migrations,
    migrationsTableName: `${opts.schema}_migrations`,
    migrationsTransactionMode: 'each',
    poolSize: opts.poolSize ?? 10,
    logging: false,
  });
}

/** Creates the database and schema if needed and applies pending migrations. Returns their names. */
export async function migrate(opts: ServiceDataSourceOptions): Promise<string[]> {
  await ensureDatabase(opts.url);
  const ds = createServiceDataSource(opts);
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
    // Two services starting at once may race on the migrations table; an advisory lock orders them.
    await ds.query('SELECT pg_advisory_lock(hashtext($1))', [opts.schema]);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock(hashtext($1))', [opts.schema]);
    }
  } finally {
    await ds.destroy();
  }
}

/**
 * Waits until every migration of the service's schema is applied (by the migration Job), polling
 * every `everyMs`; throws SCHEMA_NOT_READY after `timeoutMs`. It changes nothing.
 */
export async function waitForSchema(opts: ServiceDataSourceOptions, { timeoutMs = 600_000, everyMs = 2_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  for (;;) {
    const ds = createServiceDataSource({ ...opts, poolSize: 1 });
    try {
      await ds.initialize();
      const table = await ds.query('SELECT to_regclass($1) AS t', [`"${opts.schema}"."${opts.schema}_migrations"`]);
      if (table[0]?.t) {
        if (!(await ds.showMigrations())) return;
        last = 'migrations are pending';
      } else {
        last = `the schema ${opts.schema} is not created yet`;
      }
    } catch (err) {
      last = (err as Error).message;
    } finally {
      if (ds.isInitialized) await ds.destroy();
    }
    if (Date.now() > deadline) throw new Error(`SCHEMA_NOT_READY: ${last} after ${Math.round(timeoutMs / 1000)} s; run the ${opts.schema} migration Job`);
    log.info({ schema: opts.schema, reason: last }, 'waiting for the schema');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reverts the last applied migration (for `down`). */
export async function revertLast(opts: ServiceDataSourceOptions): Promise<void> {
  const ds = createServiceDataSource(opts);
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

export { LuaScript } from './lua-script.js';

const PostgresUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The distinct ids among these that Postgres can read as a uuid (anything else would fail the whole query). */
export function validUuids(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id) => PostgresUuid.test(id)))];
}

/**
 * The body of every service's `migrate.js`: `up` (default) applies pending migrations, `down`
 * reverts the last one, `wait` waits until another process (the migration Job) has applied them
 * all (a Kubernetes init container); then the process exits. Run as its own step, e.g. a Kubernetes Job.
 */
export async function runMigrationCli(service: string, options: ServiceDataSourceOptions, argv = process.argv.slice(2)): Promise<never> {
  const cliLog = createLogger(`${service}:migrate`);
  const direction = argv[0] ?? 'up';
  try {
    if (direction === 'up') {
      const applied = await migrate(options);
      cliLog.info({ migrations: applied }, applied.length ? 'migrations applied' : 'schema is up to date');
    } else if (direction === 'down') {
      await revertLast(options);
      cliLog.info('reverted the last migration');
    } else if (direction === 'wait') {
      await waitForSchema(options);
      cliLog.info('schema is up to date');
    } else {
      process.stderr.write(`usage: migrate.js [up|down|wait]\n`);
      process.exit(64);
    }
  } catch (err) {
    cliLog.fatal({ err }, 'migration failed');
    process.exit(1);
  }
  process.exit(0);
}
