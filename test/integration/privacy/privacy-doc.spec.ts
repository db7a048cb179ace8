/**
 * docs/privacy.md promises that every store of personal data is listed. This holds it to that:
 * every service's migrations run into a scratch database, and every table and column Postgres then
 * has in the four service schemas must be in the doc (and nothing the doc lists may be missing from
 * Postgres). The same for the JetStream streams and event types (from libs/contracts), the Redis key
 * families (from the key builders in the services' source) and the browser storage keys (from the
 * web client's source). A new column, key or event without a line in the doc fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DeadLetterSubjects, EventSubjects, IntakeSubject, Streams } from '@classconnect/contracts';
import { ensureDatabase, migrate, type ServiceDataSourceOptions } from '@classconnect/persistence';
import { identityDataSourceOptions } from '../../../apps/identity-service/src/infrastructure/identity-database.js';
import { integrationDataSourceOptions } from '../../../apps/integration-service/src/infrastructure/database.js';
import { reportDataSourceOptions } from '../../../apps/report-service/src/infrastructure/database.js';
import { verificationDataSourceOptions } from '../../../apps/verification-service/src/infrastructure/verification-database.js';

const root = resolve(import.meta.dirname, '../../..');
const docPath = join(root, 'docs/privacy.md');
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
  url.pathname = '/classconnect_it_privacy_doc';
  return url.toString();
})();
const services: ServiceDataSourceOptions[] = [
  identityDataSourceOptions(databaseUrl),
  verificationDataSourceOptions(databaseUrl),
  reportDataSourceOptions(databaseUrl),
  integrationDataSourceOptions(databaseUrl),
];
const schemas = services.map((s) => s.schema);

/** The cells of every Markdown table row in the doc (header and separator rows included; they match nothing below). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()));
}

/** The text of the doc's `## ` section whose heading starts with `title` (up to the next `## `). */
function section(markdown: string, title: string): string {
  const parts = markdown.split(/^(?=## )/m);
  const found = parts.find((p) => p.startsWith(`## ${title}`));
  if (!found) throw new Error(`docs/privacy.md has no section "## ${title}"`);
  return found;
}

function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** A row's first cell when it is one backticked name, else null. */
function rowName(cells: string[]): string | null {
  const m = /^`([^`]+)`$/.exec(cells[0] ?? '');
  return m ? m[1]! : null;
}

/** The doc's Postgres tables: rows named `schema.table`, with their columns backticked in the second cell. */
function documentedColumns(markdown: string): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  for (const cells of tableRows(markdown)) {
    const name = rowName(cells);
    if (!name || !schemas.some((s) => name.startsWith(`${s}.`))) continue;
    tables.set(name, new Set(backticked(cells[1] ?? '')));
  }
  return tables;
}

/** Every non-test TypeScript file under a folder. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.spec\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** `session:<id>:names`, `session:${id}:names` → `session:*:names`: the shape of a key, whatever its variables are called. */
function keyShape(key: string): string {
  return key.replace(/\$\{[^}]*\}|<[^>]*>/g, '*');
}

/**
 * The Redis key families the services build: in every service that has a REDIS_KEY_PREFIX setting,
 * every template literal that starts with the prefix (`${this.prefix}…` or `${prefix}…`), as its shape.
 */
function redisKeyFamiliesInSource(): Set<string> {
  const families = new Set<string>();
  for (const app of readdirSync(join(root, 'apps'))) {
    if (app === 'web') continue;
    const files = sourceFiles(join(root, 'apps', app, 'src')).map((f) => readFileSync(f, 'utf8'));
    if (!files.some((text) => text.includes('REDIS_KEY_PREFIX'))) continue;
    for (const text of files) {
      for (const m of text.matchAll(/`\$\{(?:this\.)?prefix\}([^`]+)`/g)) families.add(keyShape(m[1]!));
    }
  }
  return families;
}

/** The doc's Redis rows: first cell a backticked key under the default prefix `cc:`. */
function documentedRedisFamilies(markdown: string): Set<string> {
  const families = new Set<string>();
  for (const cells of tableRows(markdown)) {
    const name = rowName(cells);
    if (name?.startsWith('cc:')) families.add(keyShape(name.slice('cc:'.length)));
  }
  return families;
}

/**
 * The web client's storage keys: every `'classconnect.…'` string in a file that uses localStorage or
 * sessionStorage, except versioned format names such as `classconnect.person-data.v1`.
 */
function browserKeysInSource(): Set<string> {
  const keys = new Set<string>();
  for (const file of sourceFiles(join(root, 'apps/web/src'))) {
    const text = readFileSync(file, 'utf8');
    if (!/\b(localStorage|sessionStorage)\b/.test(text)) continue;
    for (const m of text.matchAll(/['"`](classconnect\.[A-Za-z][\w.-]*)['"`]/g)) if (!/\.v\d+$/.test(m[1]!)) keys.add(m[1]!);
  }
  return keys;
}

describe('docs/privacy.md lists every store of personal data', () => {
  let db: pg.Client;
  let doc: string;

  beforeAll(async () => {
    doc = readFileSync(docPath, 'utf8');
    await ensureDatabase(databaseUrl);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    // A fresh database every run: the columns are the migrations' and nothing left over.
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const service of services) await migrate(service);
  });

  afterAll(async () => {
    await db?.end();
  });

  it('names every table and column of the identity, verification, report and integration schemas, and no other', async () => {
    const { rows } = await db.query<{ table_schema: string; table_name: string; column_name: string }>(
      `SELECT table_schema, table_name, column_name FROM information_schema.columns
        WHERE table_schema = ANY($1::text[]) ORDER BY table_schema, table_name, ordinal_position`,
      [schemas],
    );
    const inDatabase = new Map<string, Set<string>>();
    for (const r of rows) {
      const table = `${r.table_schema}.${r.table_name}`;
      if (!inDatabase.has(table)) inDatabase.set(table, new Set());
      inDatabase.get(table)!.add(r.column_name);
    }
    // The migrations ran: every schema has its tables (a test that compares nothing with nothing proves nothing).
    for (const schema of schemas) expect([...inDatabase.keys()].filter((t) => t.startsWith(`${schema}.`)).length).toBeGreaterThan(1);

    const documented = documentedColumns(section(doc, 'Postgres'));
    const undocumented: string[] = [];
    const stale: string[] = [];
    for (const [table, columns] of inDatabase) {
      const listed = documented.get(table);
      if (!listed) {
        undocumented.push(`${table} (the whole table)`);
        continue;
      }
      for (const c of columns) if (!listed.has(c)) undocumented.push(`${table}.${c}`);
      for (const c of listed) if (!columns.has(c)) stale.push(`${table}.${c}`);
    }
    for (const table of documented.keys()) if (!inDatabase.has(table)) stale.push(`${table} (no such table)`);
    expect({ undocumented, stale }).toEqual({ undocumented: [], stale: [] });
  });

  it('has a row for every JetStream stream, and names every message type they hold', () => {
    const streamRows = new Set(tableRows(section(doc, 'JetStream streams')).map(rowName).filter((n): n is string => n !== null));
    const streams = Object.values(Streams).map((s) => s.name);
    expect([...streamRows].sort()).toEqual([...streams].sort());

    const mentioned = new Set(backticked(section(doc, 'JetStream streams')));
    // The public events, the check-in work queue's messages and the dead-letter records.
    const subjects: string[] = [...Object.values(EventSubjects), IntakeSubject, ...Object.values(DeadLetterSubjects)];
    expect(subjects.length).toBeGreaterThan(10);
    expect(subjects.filter((s) => !mentioned.has(s))).toEqual([]);
  });

  it('has a row for every Redis key family the services build, and no other', () => {
    const inSource = redisKeyFamiliesInSource();
    // The key builders were found (session-service's and verification-service's): the comparison is not empty.
    expect(inSource.has('session:*:names')).toBe(true);
    expect(inSource.has('regchal:*')).toBe(true);
    expect([...documentedRedisFamilies(section(doc, 'Redis'))].sort()).toEqual([...inSource].sort());
  });

  it('has a row for every key the web client keeps in the browser, and no other', () => {
    const inSource = browserKeysInSource();
    expect(inSource.has('classconnect.auth')).toBe(true);
    const documented = new Set(tableRows(section(doc, 'In the browser')).map(rowName).filter((n): n is string => n !== null));
    expect([...documented].sort()).toEqual([...inSource].sort());
  });
});
