/**
 * The stream is the record: replays the ATTENDANCE stream into an empty `report` schema (a scratch
 * database beside the live one) through the same projection, report and warning code the service
 * runs, and with `verify` compares every report, flag and open warning with the live projection.
 *
 * What is not on the stream is taken from the live database: the course's own warning thresholds
 * (configuration) and the people's names and emails in report rows (identity-service's, as the live
 * report shows them; identity is asked only for a student the live reports do not name). Nothing is
 * published while replaying.
 */
import { randomBytes } from 'node:crypto';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { SystemClock } from '@classconnect/config';
import { Streams, type ReportRow, type UserSummary } from '@classconnect/contracts';
import { IdentityClient, RpcClient, type EventSink, type NatsConnection } from '@classconnect/messaging';
import { createServiceDataSource, ensureDatabase, migrate } from '@classconnect/persistence';
import type { ReportConfig } from '../config.js';
import { reportDataSourceOptions } from '../infrastructure/database.js';
import { ProjectionRepository } from '../projection/projection.repository.js';
import { ProjectionService, type IncomingEvent } from '../projection/projection.service.js';
import { ReadyPublisher } from '../reports/report.ports.js';
import { ReportService } from '../reports/report.service.js';
import { ReportsRepository } from '../reports/reports.repository.js';
import type { ErasedAttendance } from '../privacy/erase-rows.js';
import { ErasureRepository } from '../privacy/erasure.repository.js';
import { EvidenceKeys } from '../retention/evidence.sql.js';
import { WarningsRepository } from '../warnings/warnings.repository.js';
import { WarningsService } from '../warnings/warnings.service.js';

export interface RebuildOptions {
  databaseUrl: string;
  nc: NatsConnection;
  /** The deployment's warning defaults (and the rest of report-service's settings). */
  config: Pick<ReportConfig, 'WARNING_MIN_RATE' | 'WARNING_MIN_SESSIONS' | 'WARNING_CONSECUTIVE_ABSENCES' | 'WARNING_EXCUSED_POLICY' | 'REPORT_CONSUMER_NAME'>;
  verify: boolean;
  /** Keep the scratch database after a verify (it is always kept without verify). */
  keep?: boolean;
  batchSize?: number;
  progress?: (line: string) => void;
}

export interface Mismatch {
  what: 'report' | 'flags' | 'warning';
  key: string;
  detail: string;
}

export interface RebuildResult {
  scratchDatabase: string;
  scratchUrl: string;
  events: number;
  lastSequence: number;
  reports: number;
  compared?: { reports: number; flags: number; warnings: number };
  mismatches: Mismatch[];
  kept: boolean;
}

class SilentPublisher extends ReadyPublisher {
  async reportReady(): Promise<void> {}
  async reportUpdated(): Promise<void> {}
}
const silentSink: EventSink = { publish: async () => ({}) as never };

/** identity-service's users, but first the names the live reports already show. */
class KnownPeople extends IdentityClient {
  constructor(
    rpc: RpcClient,
    private readonly known: Map<string, UserSummary>,
  ) {
    super(rpc);
  }
  override async users(ids: readonly string[], opts = {}): Promise<UserSummary[]> {
    const missing = ids.filter((id) => !this.known.has(id));
    const asked = missing.length ? await super.users(missing, opts) : [];
    return [...ids.flatMap((id) => (this.known.has(id) ? [this.known.get(id)!] : [])), ...asked];
  }
}

export async function rebuildReports(opts: RebuildOptions): Promise<RebuildResult> {
  const say = opts.progress ?? (() => {});
  const live = new URL(opts.databaseUrl);
  const scratchDatabase = `${decodeURIComponent(live.pathname.slice(1))}_rebuild_${randomBytes(3).toString('hex')}`;
  const scratch = new URL(opts.databaseUrl);
  scratch.pathname = `/${scratchDatabase}`;
  const liveDs = await createServiceDataSource(reportDataSourceOptions(opts.databaseUrl)).initialize();
  let scratchDs: DataSource | undefined;
  let kept = !opts.verify || Boolean(opts.keep);
  try {
    // What the stream holds when we start: the replay stops there, and the live projection must have reached it.
    const jsm = await jetstreamManager(opts.nc);
    const lastSequence = (await jsm.streams.info(Streams.attendance.name)).state.last_seq;
    if (opts.verify) await waitForLiveConsumer(opts.nc, opts.config.REPORT_CONSUMER_NAME, lastSequence, say);

    await ensureDatabase(scratch.toString());
    await migrate(reportDataSourceOptions(scratch.toString()));
    scratchDs = await createServiceDataSource(reportDataSourceOptions(scratch.toString())).initialize();
    say(`scratch database ${scratchDatabase}: report schema migrated`);
    await scratchDs.query(`INSERT INTO report.warning_thresholds SELECT * FROM json_populate_recordset(null::report.warning_thresholds, $1::json)`, [
      JSON.stringify(await liveDs.query('SELECT * FROM report.warning_thresholds')),
    ]);

    const known = new Map<string, UserSummary>();
    for (const { rows } of (await liveDs.query('SELECT rows FROM report.reports')) as { rows: ReportRow[] }[]) {
      for (const r of rows) known.set(r.studentId, { id: r.studentId, name: r.name, email: r.email, role: 'student' });
    }
    const clock = new SystemClock();
    const identity = new KnownPeople(new RpcClient(opts.nc, 10_000), known);
    // No wait for late marks: everything the stream holds is already there.
    const reports = new ReportService(new ReportsRepository(scratchDs), identity, new SilentPublisher(), clock, { REPORT_MARK_WAIT_MS: 0 });
    const warnings = new WarningsService(new WarningsRepository(scratchDs), identity, silentSink, clock, opts.config);
    const projection = new ProjectionService(new ProjectionRepository(scratchDs), reports, clock, warnings);

    const events = lastSequence === 0 ? 0 : await replay(opts.nc, projection, lastSequence, opts.batchSize ?? 256, say);
    const erased = await eraseAgain(liveDs, scratchDs);
    if (erased) say(`erased ${erased} erased ${erased === 1 ? 'person' : 'people'} again (their events are still on the stream)`);
    const [{ n }] = (await scratchDs.query('SELECT count(*)::int AS n FROM report.reports')) as [{ n: number }];
    say(`replayed ${events} events (stream sequence 1 … ${lastSequence}): ${n} reports built`);
    const result: RebuildResult = { scratchDatabase, scratchUrl: scratch.toString(), events, lastSequence, reports: n, mismatches: [], kept };
    if (opts.verify) {
      const { compared, mismatches } = await compare(liveDs, scratchDs);
      Object.assign(result, { compared, mismatches });
      if (mismatches.length) kept = result.kept = true; // left for reading
    }
    return result;
  } finally {
    await scratchDs?.destroy();
    await liveDs.destroy();
    if (!kept) await dropDatabase(scratch);
  }
}

/**
 * The stream still holds erased people's events under their ids: the replay brought back their
 * rows (and, with `removed`, their attendance). Each is erased again in the scratch database, the
 * same way the live one was, and the list goes with it so a later rebuild of this one does too.
 */
async function eraseAgain(liveDs: DataSource, scratchDs: DataSource): Promise<number> {
  const people = (await liveDs.query('SELECT user_id, attendance, erased_at FROM report.erased_people ORDER BY erased_at')) as { user_id: string; attendance: ErasedAttendance; erased_at: Date }[];
  const erasure = new ErasureRepository(scratchDs);
  for (const p of people) await erasure.erase(p.user_id, p.attendance);
  if (people.length) {
    await scratchDs.query(`UPDATE report.erased_people e SET erased_at = l.erased_at FROM json_populate_recordset(null::report.erased_people, $1::json) l WHERE e.user_id = l.user_id`, [JSON.stringify(people)]);
  }
  return people.length;
}

/** Waits (up to 30 s) until the live projection's durable consumer has acked everything up to `sequence`. */
async function waitForLiveConsumer(nc: NatsConnection, durable: string, sequence: number, say: (l: string) => void): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = await jsm.consumers.info(Streams.attendance.name, durable).catch(() => null);
    if (!info) throw new Error(`the live projection's consumer ${durable} is not on ${Streams.attendance.name}: is report-service running against this NATS?`);
    if (info.ack_floor.stream_seq >= sequence || (info.num_pending === 0 && info.num_ack_pending === 0)) return;
    if (Date.now() > deadline) throw new Error(`the live projection is behind the stream (acked ${info.ack_floor.stream_seq} of ${sequence}): try again when it has caught up`);
    say(`waiting for the live projection (acked ${info.ack_floor.stream_seq} of ${sequence})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Feeds the stream (it holds attendance.> only: NATS 2.9 has no filter_subjects), in order and in
 * batches, through the projection; a batch's messages asked for later are handed again.
 */
async function replay(nc: NatsConnection, projection: ProjectionService, lastSequence: number, batchSize: number, say: (l: string) => void): Promise<number> {
  const consumer = await jetstream(nc).consumers.get(Streams.attendance.name, { deliver_policy: DeliverPolicy.All });
  let count = 0;
  let batch: IncomingEvent[] = [];
  const flush = async () => {
    let pending = batch;
    batch = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 20) throw new Error(`the replay keeps asking for ${pending.length} message(s) again (first: ${pending[0]!.subject} #${pending[0]!.seq})`);
      const retry = await projection.handleBatch(pending);
      pending = [...retry.keys()].sort((a, b) => a - b).map((i) => ({ ...pending[i]!, deliveryCount: pending[i]!.deliveryCount + 1 }));
      if (pending.length) await new Promise((r) => setTimeout(r, 50));
    }
  };
  const messages = await consumer.consume({ max_messages: batchSize });
  try {
    for await (const m of messages) {
      batch.push({ data: m.data, subject: m.subject, seq: m.seq, deliveryCount: 1 });
      count++;
      const last = m.seq >= lastSequence;
      if (batch.length >= batchSize || last || m.info.pending === 0) await flush();
      if (count % 5_000 === 0) say(`… ${count} events`);
      if (last) break;
    }
  } finally {
    await messages.close();
  }
  await flush();
  return count;
}

type ReportLine = { session_id: string; course_id: string; present_count: number; absent_count: number; rows: ReportRow[]; incomplete: unknown; evidence_removed_at: Date | null };

/** Compares every report, every check-in flag and every open warning of the two databases. */
async function compare(liveDs: DataSource, scratchDs: DataSource) {
  const mismatches: Mismatch[] = [];
  const reportsOf = async (ds: DataSource) =>
    new Map(((await ds.query('SELECT session_id, course_id, present_count, absent_count, rows, incomplete, evidence_removed_at FROM report.reports')) as ReportLine[]).map((r) => [r.session_id, r]));
  const [liveReports, rebuilt] = await Promise.all([reportsOf(liveDs), reportsOf(scratchDs)]);
  for (const [sessionId, l] of liveReports) {
    const r = rebuilt.get(sessionId);
    if (!r) {
      mismatches.push({ what: 'report', key: sessionId, detail: 'in the live projection, not rebuilt from the stream' });
      continue;
    }
    // The retention sweep removed the live report's evidence: compare what it keeps.
    const strip = (rows: ReportRow[]) => (l.evidence_removed_at ? rows.map((row) => omit(row, EvidenceKeys)) : rows);
    const fields: [string, unknown, unknown][] = [
      ['courseId', l.course_id, r.course_id],
      ['presentCount', l.present_count, r.present_count],
      ['absentCount', l.absent_count, r.absent_count],
      ['incomplete', l.incomplete ?? null, r.incomplete ?? null],
    ];
    for (const [name, a, b] of fields) if (canonical(a) !== canonical(b)) mismatches.push({ what: 'report', key: sessionId, detail: `${name}: live ${canonical(a)}, rebuilt ${canonical(b)}` });
    const liveRows = new Map(strip(l.rows).map((row) => [row.studentId, row]));
    const rebuiltRows = new Map(strip(r.rows).map((row) => [row.studentId, row]));
    for (const id of new Set([...liveRows.keys(), ...rebuiltRows.keys()])) {
      const a = canonical(liveRows.get(id) ?? null);
      const b = canonical(rebuiltRows.get(id) ?? null);
      if (a !== b) mismatches.push({ what: 'report', key: `${sessionId} row ${id}`, detail: `live ${a}\n      rebuilt ${b}` });
    }
  }
  for (const sessionId of rebuilt.keys()) if (!liveReports.has(sessionId)) mismatches.push({ what: 'report', key: sessionId, detail: 'rebuilt from the stream, missing from the live projection' });

  const flagsOf = async (ds: DataSource) => new Set(((await ds.query('SELECT submission_id, code, session_id, student_id FROM report.checkin_flags')) as Record<string, string>[]).map((f) => `${f.session_id} ${f.student_id} ${f.code} ${f.submission_id}`));
  const [liveFlags, rebuiltFlags] = await Promise.all([flagsOf(liveDs), flagsOf(scratchDs)]);
  for (const f of liveFlags) if (!rebuiltFlags.has(f)) mismatches.push({ what: 'flags', key: f, detail: 'live only' });
  // The retention sweep deleted the flags of sessions whose evidence it removed; the replay has them.
  const removed = new Set([...liveReports.values()].filter((l) => l.evidence_removed_at).map((l) => l.session_id));
  for (const f of rebuiltFlags) if (!liveFlags.has(f) && !removed.has(f.split(' ')[0]!)) mismatches.push({ what: 'flags', key: f, detail: 'rebuilt only' });

  const warningsOf = async (ds: DataSource) =>
    new Map(((await ds.query('SELECT course_id, student_id, kind, figures FROM report.warnings WHERE cleared_at IS NULL')) as Record<string, unknown>[]).map((w) => [`${String(w.course_id)} ${String(w.student_id)} ${String(w.kind)}`, w]));
  const [liveWarnings, rebuiltWarnings] = await Promise.all([warningsOf(liveDs), warningsOf(scratchDs)]);
  for (const k of liveWarnings.keys()) if (!rebuiltWarnings.has(k)) mismatches.push({ what: 'warning', key: k, detail: 'open live, not when rebuilt' });
  for (const k of rebuiltWarnings.keys()) if (!liveWarnings.has(k)) mismatches.push({ what: 'warning', key: k, detail: 'open when rebuilt, not live' });

  return { compared: { reports: liveReports.size, flags: liveFlags.size, warnings: liveWarnings.size }, mismatches };
}

function omit<T extends object>(o: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as T;
}

/** JSON with object keys sorted: rows read back from jsonb come with their keys reordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

async function dropDatabase(url: URL): Promise<void> {
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

