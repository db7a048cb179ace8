/**
 * The stream is the record: after three sessions of a class — on-time and late check-ins, a refusal,
 * check-in flags, marks by hand during a session and after Stop, a low-attendance warning —
 * `npm run rebuild-reports -- --verify` replays ATTENDANCE into an empty report schema and finds
 * every report, flag and open warning equal to the live projection. Then a live report is altered
 * by hand, and the verify finds and names the difference (exit code 1). The deployment erases
 * attendance with the person (ERASURE_ATTENDANCE=removed): a student erased after the class stays
 * erased in the replay, though the stream still holds their events under their id.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ClientEvents, ErrorCode, ServerEvents, type Position } from '@classconnect/contracts';
import { EventLog, connectSocket, offsetNorth, requestOk, seatClass, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const run = promisify(execFile);
const room: Position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };

describe('npm run rebuild-reports -- --verify', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let db: pg.Client;
  const sessions: string[] = [];
  const idOf = (i: number) => klass.cls.students[i]!.id;

  /** Runs the script as an operator would, against this system's NATS and database. */
  async function rebuild(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['scripts/rebuild-reports.mjs', ...args], { env: { ...process.env, ...sys.env, LOG_LEVEL: 'warn' }, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const scratchDatabases = async () =>
    ((await db.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${new URL(sys.env.DATABASE_URL!).pathname.slice(1)}_rebuild_%`])).rows as { datname: string }[]).map((r) => r.datname);

  beforeAll(async () => {
    sys = await startTestSystem({ env: { ERASURE_ATTENDANCE: 'removed' } });
    klass = await seatClass(sys, 5);
    db = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await db.connect();
    const ready = new EventLog(klass.teacher, ServerEvents.reportReady);
    const updated = new EventLog(klass.teacher, ServerEvents.reportUpdated);
    const flagged = new EventLog(klass.teacher, ServerEvents.checkinFlagged);
    const raised = new EventLog(klass.teacher, ServerEvents.warningRaised);
    const mark = (sessionId: string, i: number, status: 'present' | 'late' | 'excused' | 'absent', reason: string) =>
      requestOk(klass.teacher, ClientEvents.attendanceMark, { sessionId, targetStudentId: idOf(i), status, reason });

    for (let n = 0; n < 3; n++) {
      const { sessionId } = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50, ...(n === 1 ? { lateAfterMinutes: 0 } : {}) });
      await expect(klass.students[0]!.checkIn(sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      if (n === 0) {
        // Flags: an accuracy of exactly 0; and two students at the very same position.
        await expect(klass.students[1]!.checkIn(sessionId, { ...offsetNorth(room, 8), accuracy: 0 })).resolves.toMatchObject({ verdict: 'accepted' });
        const same = offsetNorth(room, 12);
        await expect(klass.students[2]!.checkIn(sessionId, same)).resolves.toMatchObject({ verdict: 'accepted' });
        await expect(klass.students[3]!.checkIn(sessionId, same)).resolves.toMatchObject({ verdict: 'accepted' });
        await flagged.waitFor((f) => f.studentId === idOf(1));
        await mark(sessionId, 3, 'absent', 'Left right after checking in');
      } else {
        await expect(klass.students[3]!.checkIn(sessionId, offsetNorth(room, 900))).resolves.toMatchObject({ verdict: 'rejected', reason: ErrorCode.OUTSIDE_GEOFENCE });
        await expect(klass.students[1]!.checkIn(sessionId, offsetNorth(room, 20))).resolves.toMatchObject({ verdict: 'accepted' });
      }
      await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId });
      await ready.waitFor((r) => r.sessionId === sessionId);
      sessions.push(sessionId);
    }
    // After Stop: an excused absence, and a refusal overruled.
    await mark(sessions[1]!, 2, 'excused', 'Sick note');
    await mark(sessions[2]!, 3, 'present', 'Was in the room; the phone had no fix');
    await updated.waitFor((u) => u.sessionId === sessions[2] && u.revision === 1);
    // Student 4 missed all three: a warning is open.
    await raised.waitFor((w) => w.studentId === idOf(4));
  });

  afterAll(async () => {
    for (const name of (await scratchDatabases().catch(() => [])) ?? []) await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await db?.end();
    klass?.close();
    await sys?.stop();
  });

  it('replays the stream into an empty schema and finds every report, flag and warning equal to the live projection', async () => {
    const { code, stdout, stderr } = await rebuild('--verify');
    if (code !== 0) throw new Error(`exit code ${code}:\n${stderr}\n${stdout}`);
    expect(stdout).toMatch(/^Verified: 3 report\(s\), [3-9] flag\(s\) and 1 open warning\(s\) rebuilt from \d+ event\(s\) match the live projection\.\n$/);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('erases again, in the replay, a student whose attendance was removed with their account', async () => {
    const erasedId = idOf(1);
    await seedDemoAdmin(sys);
    const admin = await connectSocket(sys.gatewayUrl, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    try {
      await requestOk(admin, ClientEvents.userErase, { targetUserId: erasedId, confirmEmail: klass.cls.students[1]!.email });
    } finally {
      admin.close();
    }
    const remembered = async () => (await db.query('SELECT attendance FROM report.erased_people WHERE user_id = $1', [erasedId])).rows as { attendance: string }[];
    for (let i = 0; (await remembered()).length === 0; i++) {
      if (i > 200) throw new Error('report-service did not erase the student');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await remembered()).toEqual([{ attendance: 'removed' }]);
    const rowsNaming = await db.query('SELECT count(*)::int AS n FROM report.reports WHERE rows @> $1::jsonb', [JSON.stringify([{ studentId: erasedId }])]);
    expect(rowsNaming.rows[0].n).toBe(0);

    // Without erasing again, the replay would bring the student's rows and counts back: a mismatch in every session.
    const { code, stdout, stderr } = await rebuild('--verify');
    if (code !== 0) throw new Error(`exit code ${code}:\n${stderr}\n${stdout}`);
    expect(stdout).toMatch(/^Verified: 3 report\(s\), \d+ flag\(s\) and 1 open warning\(s\) rebuilt from \d+ event\(s\) match the live projection\.\n$/);
  });

  it('finds and names a live report that no longer agrees with the stream', async () => {
    const { rows } = await db.query('SELECT rows FROM report.reports WHERE session_id = $1', [sessions[1]]);
    const altered = (rows[0].rows as { studentId: string; status: string }[]).map((r) => (r.studentId === idOf(0) ? { ...r, status: 'absent' } : r));
    await db.query('UPDATE report.reports SET rows = $2::jsonb, present_count = present_count - 1 WHERE session_id = $1', [sessions[1], JSON.stringify(altered)]);
    const { code, stdout } = await rebuild('--verify');
    expect(code).toBe(1);
    expect(stdout).toContain(`MISMATCH report ${sessions[1]}: presentCount`);
    expect(stdout).toContain(`MISMATCH report ${sessions[1]} row ${idOf(0)}`);
    expect(stdout).toMatch(/2 difference\(s\) between the live projection and the stream's replay; the replay is kept in the database \S+_rebuild_[0-9a-f]{6}\./);
    expect(await scratchDatabases()).toHaveLength(1);
  });

  it('refuses an unknown argument with its usage', async () => {
    await expect(rebuild('--verfy')).resolves.toMatchObject({ code: 64, stderr: expect.stringContaining('usage: npm run rebuild-reports') });
  });
});
