/**
 * One chaos scenario, measured from outside: a fresh system and a fresh class, the class checking in
 * over a burst of ~20 s with clients that retry as the protocol says, one fault, Stop, the report.
 * Then the counts that matter to a student and a teacher: was everyone who was told "accepted" in
 * the report exactly once, and did everyone get an answer.
 */
import { join } from 'node:path';
import { ClientEvents, ErrorCode, ServerEvents, type Position, type ReportReply } from '@classconnect/contracts';
import { TokenService } from '@classconnect/auth';
import { offsetNorth } from '../clients.js';
import { startTestSystem, type ClassFixture, type TestSystem } from '../system.js';
import { ResilientSocket, RetryingStudent, type CheckinOutcome } from './retrying-client.js';
import type { FaultContext, Scenario } from './scenarios.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lectureHall: Position = { latitude: 52.2053, longitude: 0.1218, accuracy: 8 };

export interface ChaosOptions {
  /** Class size (default 200). */
  students?: number;
  /** The check-ins are spread over this long (default 20 s). */
  burstMs?: number;
  /** Where each scenario's service logs go: <logDir>/<scenario>/. */
  logDir: string;
  /** A private PostgreSQL for each scenario (needed for the Postgres faults; default true). */
  privatePostgres?: boolean;
  say?: (msg: string) => void;
}

export interface ScenarioResult {
  scenario: string;
  fault: string;
  students: number;
  /** Students whose check-in got a submit ack. */
  submitted: number;
  /** Told accepted: an accepted verdict, a decided ack, or ALREADY_CHECKED_IN. */
  toldAccepted: number;
  /** Students of the class present (or late) in the final report. */
  inReport: number;
  /** Told accepted, but not present in the final report. */
  lost: number;
  /** Extra report rows for one student, plus students told accepted for two different submissions. */
  duplicated: number;
  /** No verdict by the deadline (including students who could never submit). */
  unanswered: number;
  /** A final rejection (the reasons are in `rejections`). */
  rejected: number;
  /** Seconds from the broken part's return to the first verdict decided after it reaching a client; null when there is none. */
  recoverySeconds: number | null;
  /** Seconds from Stop's ack to the report:ready push or the first report:get that answered, whichever came first; null when neither came. */
  reportDelaySeconds: number | null;
  /** Present in the report without having been told accepted (a verdict the student never heard). */
  presentUntold: number;
  /** checkin:result pushes that repeated one already received for the same submission (the protocol allows rare repeats). */
  repeatedPushes: number;
  rejections: Record<string, number>;
  unansweredReasons: Record<string, number>;
  /** Error codes clients saw in acks and refused handshakes ('no-ack': a request that got none), with counts. */
  errorsSeen: Record<string, number>;
  disconnects: number;
  checks: { name: string; ok: boolean; detail: string }[];
  notes: string[];
  /** Seconds from the start of the burst. */
  timeline: { event: string; atSeconds: number }[];
  report?: { presentCount: number; absentCount: number; rows: number; firstReportMissing: number; stop: string };
  logDir: string;
  durationSeconds: number;
  /** The scenario itself could not run (setup failed): the message. */
  error?: string;
  ok: boolean;
}

function tally(items: (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) if (i) out[i] = (out[i] ?? 0) + 1;
  return out;
}

/** Seats the class: a token per person (minted, as the benchmark does, so 200 password hashes are not the test), sockets, passkeys. */
async function seat(sys: TestSystem, cls: ClassFixture, deadline: number) {
  const tokens = new TokenService(sys.env.AUTH_TOKEN_SECRET!, 3_600);
  const teacherToken = (await tokens.issue({ userId: cls.teacher.id, role: 'teacher', email: cls.teacher.email, name: 'Teacher' })).token;
  const teacher = new ResilientSocket(sys.gatewayUrl, { token: teacherToken });
  const students: RetryingStudent[] = [];
  for (let i = 0; i < cls.students.length; i += 50) {
    const batch = await Promise.all(
      cls.students.slice(i, i + 50).map(async (s) => {
        const token = (await tokens.issue({ userId: s.id, role: 'student', email: s.email, name: s.name })).token;
        return new RetryingStudent(sys.gatewayUrl, sys.origin, token, s.id);
      }),
    );
    students.push(...batch);
    await Promise.all(batch.map(async (s) => {
      if (!(await s.conn.connected(deadline))) throw new Error('a student could not connect');
      await s.registerPasskey(deadline);
    }));
  }
  if (!(await teacher.connected(deadline))) throw new Error('the teacher could not connect');
  return { teacher, students };
}

export async function runScenario(scenario: Scenario, opts: ChaosOptions): Promise<ScenarioResult> {
  const N = opts.students ?? 200;
  const burstMs = opts.burstMs ?? 20_000;
  const say = (msg: string) => opts.say?.(`${scenario.name}: ${msg}`);
  const logDir = join(opts.logDir, scenario.name);
  const started = Date.now();
  const result: ScenarioResult = {
    scenario: scenario.name,
    fault: scenario.fault,
    students: N,
    submitted: 0,
    toldAccepted: 0,
    inReport: 0,
    lost: 0,
    duplicated: 0,
    unanswered: 0,
    rejected: 0,
    recoverySeconds: null,
    reportDelaySeconds: null,
    presentUntold: 0,
    repeatedPushes: 0,
    rejections: {},
    unansweredReasons: {},
    errorsSeen: {},
    disconnects: 0,
    checks: [],
    notes: [],
    timeline: [],
    logDir,
    durationSeconds: 0,
    ok: false,
  };
  let burstStart = Date.now();
  const mark = (event: string) => result.timeline.push({ event, atSeconds: Math.round((Date.now() - burstStart) / 10) / 100 });

  let sys: TestSystem | undefined;
  let teacher: ResilientSocket | undefined;
  let students: RetryingStudent[] = [];
  try {
    say('starting the system');
    sys = await startTestSystem({ logDir, privatePostgres: opts.privatePostgres ?? true });
    say(`seating a class of ${N}`);
    const cls = await sys.createClass(N);
    ({ teacher, students } = await seat(sys, cls, Date.now() + 120_000));
    const session = await teacher.request(ClientEvents.sessionStart, { courseId: cls.courseId, position: lectureHall, radiusM: 100 }, Date.now() + 30_000);
    if (!session?.ok) throw new Error(`session:start failed: ${session ? session.error.code : 'no answer'}`);
    const sessionId = session.data.sessionId;

    let backAt: number | undefined;
    const ctx: FaultContext = {
      sys,
      cls,
      sessionId,
      back: () => {
        backAt = Date.now();
        mark('back');
      },
      check: (name, ok, detail) => result.checks.push({ name, ok, detail }),
      note: (text) => result.notes.push(text),
      say,
    };
    await scenario.prepare?.(ctx);

    // The burst: student i starts at i/N of the way through, and keeps at it until the deadline.
    say(`burst of ${N} check-ins over ${burstMs / 1000} s`);
    burstStart = Date.now();
    const deadline = burstStart + burstMs + 60_000;
    const outcomes: Promise<CheckinOutcome>[] = students.map(async (s, i) => {
      await sleep((i * burstMs) / N);
      return s.checkIn(sessionId, offsetNorth(lectureHall, 5 + (i % 40)), deadline);
    });
    const fault = scenario.midBurst
      ? sleep(burstMs * 0.4).then(async () => {
          mark('fault');
          await scenario.midBurst!(ctx);
          mark('fault over');
        })
      : Promise.resolve();
    const [settled] = await Promise.all([Promise.all(outcomes), fault]);
    mark('last answer');

    // The teacher's screen learns of the report from the report:ready push; a report:get sent while
    // report-service is down waits out its RPC time-out, so the push is the better clock.
    let pushedAt: number | undefined;
    teacher.socket.on(ServerEvents.reportReady, (r: { sessionId: string }) => {
      if (r.sessionId === sessionId && pushedAt === undefined) pushedAt = Date.now();
    });
    // Stop, as a teacher would: retried; SESSION_NOT_OPEN means an earlier try worked.
    const stop = await teacher.request(ClientEvents.sessionStop, { sessionId }, Date.now() + 30_000);
    const stopAt = Date.now();
    mark('stopped');
    const stopOutcome = stop ? (stop.ok ? 'ok' : stop.error.code) : 'no answer';
    if (stop && !stop.ok && stop.error.code !== ErrorCode.SESSION_NOT_OPEN) result.notes.push(`session:stop answered ${stop.error.code}: ${stop.error.message}`);
    const afterStop = scenario.afterStop
      ? (async () => {
          mark('fault');
          await scenario.afterStop!(ctx);
          mark('fault over');
        })()
      : Promise.resolve();

    // The report: polled until it answers, then until it holds everyone told accepted (a report
    // first built without some events may be rebuilt), for at most 20 s more.
    const toldAccepted = new Set(students.filter((_, i) => settled[i]!.final === 'accepted').map((s) => s.studentId));
    const isComplete = (r: ReportReply) => [...toldAccepted].every((id) => r.rows.some((row) => row.studentId === id && (row.status === 'present' || row.status === 'late')));
    let report: ReportReply | undefined;
    let firstReportMissing = 0;
    const reportDeadline = stopAt + 65_000;
    let completeBy = reportDeadline;
    while (Date.now() < Math.min(reportDeadline, completeBy)) {
      const got = await teacher.once(ClientEvents.reportGet, { sessionId });
      if (got?.ok) {
        if (!report) {
          result.reportDelaySeconds = (Date.now() - stopAt) / 1000;
          mark('report');
          firstReportMissing = [...toldAccepted].filter((id) => !got.data.rows.some((row) => row.studentId === id && (row.status === 'present' || row.status === 'late'))).length;
          completeBy = Date.now() + 20_000;
        }
        report = got.data;
        if (isComplete(report)) break;
      }
      await sleep(250);
    }
    if (pushedAt !== undefined) {
      const pushed = Math.max(0, (pushedAt - stopAt) / 1000);
      result.reportDelaySeconds = result.reportDelaySeconds === null ? pushed : Math.min(result.reportDelaySeconds, pushed);
    }
    await afterStop;
    await scenario.finally?.(ctx);

    // The counts.
    result.submitted = settled.filter((o) => o.submitted).length;
    result.toldAccepted = toldAccepted.size;
    result.unanswered = settled.filter((o) => o.final === 'unanswered').length;
    result.rejected = settled.filter((o) => o.final === 'rejected').length;
    result.rejections = tally(settled.filter((o) => o.final === 'rejected').map((o) => o.reason));
    result.unansweredReasons = tally(settled.filter((o) => o.final === 'unanswered').map((o) => o.reason));
    const rows = report?.rows ?? [];
    const present = new Set(rows.filter((r) => r.status === 'present' || r.status === 'late').map((r) => r.studentId));
    const classIds = new Set(cls.students.map((s) => s.id));
    result.inReport = [...present].filter((id) => classIds.has(id)).length;
    result.lost = [...toldAccepted].filter((id) => !present.has(id)).length;
    result.presentUntold = [...present].filter((id) => classIds.has(id) && !toldAccepted.has(id)).length;
    const rowsPerStudent = tally(rows.map((r) => r.studentId));
    const extraRows = Object.values(rowsPerStudent).reduce((sum, n) => sum + (n - 1), 0);
    const twiceAccepted = settled.filter((o) => new Set(o.verdicts.filter((v) => v.verdict === 'accepted' && v.via !== 'begin').map((v) => v.submissionId)).size > 1).length;
    result.duplicated = extraRows + twiceAccepted;
    for (const s of students) {
      const seen = tally(s.pushes.map((p) => p.submissionId));
      result.repeatedPushes += Object.values(seen).reduce((sum, n) => sum + (n - 1), 0);
    }
    if (report) result.report = { presentCount: report.presentCount, absentCount: report.absentCount, rows: rows.length, firstReportMissing, stop: stopOutcome };
    else result.notes.push(`no report within ${(reportDeadline - stopAt) / 1000} s of Stop`);

    // Time to recover: from the broken part's return to the first verdict a client heard among those
    // decided after it (a verdict decided before the fault but delivered late says nothing of recovery).
    if (backAt !== undefined) {
      const heard = [
        ...settled.flatMap((o) => o.verdicts.filter((v) => v.decidedAt !== undefined).map((v) => ({ decidedAt: v.decidedAt!, at: v.at }))),
        ...students.flatMap((s) => s.pushes.map((p) => ({ decidedAt: Date.parse(p.at), at: p.receivedAt }))),
      ].filter((v) => v.decidedAt >= backAt!);
      if (scenario.afterStop) {
        // After Stop there are no check-ins left: recovery is the report arriving (pushed or answered).
        if (result.reportDelaySeconds !== null) result.recoverySeconds = Math.max(0, stopAt + result.reportDelaySeconds * 1000 - backAt) / 1000;
      } else if (heard.length) {
        result.recoverySeconds = (Math.min(...heard.map((v) => v.at)) - backAt) / 1000;
      } else {
        result.notes.push('no verdict was decided after the fault was over');
      }
    }
    const errors: Record<string, number> = {};
    for (const conn of [teacher, ...students.map((s) => s.conn)]) {
      for (const [code, n] of conn.errors) errors[code] = (errors[code] ?? 0) + n;
      result.disconnects += conn.disconnects;
    }
    result.errorsSeen = errors;
    result.ok = result.lost === 0 && result.duplicated === 0 && result.unanswered === 0 && report !== undefined && result.checks.every((c) => c.ok);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    say(`could not run: ${result.error}`);
  } finally {
    teacher?.close();
    students.forEach((s) => s.close());
    await sys?.stop().catch((err) => say(`stopping the system failed: ${err}`));
    result.durationSeconds = Math.round((Date.now() - started) / 100) / 10;
  }
  return result;
}
