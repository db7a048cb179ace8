/**
 * examples/attendance-subscriber, run as its README says against a real class: its own durable
 * consumer on ATTENDANCE, every event checked against docs/asyncapi.yaml, a per-course table. A
 * restart of the program (same durable, same state file) counts nothing twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents } from '@classconnect/contracts';
import { StudentClient, connectSocket, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const program = resolve(import.meta.dirname, '../../examples/attendance-subscriber/subscriber.mjs');
const here = { latitude: 48.7126, longitude: 2.2096, accuracy: 10 };

interface Row {
  courseCode: string;
  sessions: number;
  present: number;
  late: number;
  excused: number;
  absent: number;
}
interface State {
  table?: Record<string, Row>;
  problems: unknown[];
  applied: string[];
}

describe('examples/attendance-subscriber', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let teacher: Socket;
  let students: StudentClient[] = [];
  let dir: string;
  let child: ChildProcess | undefined;

  const start = async () => {
    const proc = spawn(process.execPath, [program], {
      env: { ...process.env, NATS_URL: sys.env.NATS_URL!, DURABLE: 'example-table', STATE: join(dir, 'state.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((res, rej) => {
      proc.once('exit', (code) => rej(new Error(`the subscriber exited (${code}) before it subscribed`)));
      readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (line.includes('"subscribed"')) res();
      });
    });
    child = proc;
  };
  const stop = async () => {
    const proc = child!;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    child = undefined;
  };
  const state = (): State => (existsSync(join(dir, 'state.json')) ? JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) : { problems: [], applied: [] });
  const until = async (what: string, ok: (s: State) => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!ok(state())) {
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(state().table)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return state();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-example-'));
    sys = await startTestSystem();
    cls = await sys.createClass(4);
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    students = await Promise.all(cls.students.map(async (s) => StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password))));
    await Promise.all(students.map((s) => s.registerPasskey()));
  });

  afterAll(async () => {
    if (child) await stop();
    teacher?.close();
    students.forEach((s) => s.close());
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a per-course table from the stream, checked against the AsyncAPI document', async () => {
    await start();
    // Session 1: two check in, one is excused by hand, one is absent.
    const s1 = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: here });
    for (const s of students.slice(0, 2)) await expect(s.checkIn(s1.sessionId, here)).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(teacher, ClientEvents.attendanceMark, { sessionId: s1.sessionId, targetStudentId: cls.students[2]!.id, status: 'excused', reason: 'Doctor’s note' });
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: s1.sessionId });
    const after1 = await until('session 1 in the table', (s) => s.table?.[cls.courseId]?.present === 2 && s.table[cls.courseId]!.excused === 1);
    expect(after1.table![cls.courseId]).toEqual({ courseCode: cls.courseCode, sessions: 1, present: 2, late: 0, excused: 1, absent: 1 });
    expect(after1.problems).toEqual([]);
  });

  it('counts nothing twice across a restart, and picks up what was published while it was down', async () => {
    const appliedBefore = state().applied.length;
    await stop();
    // While the subscriber is down: session 2, one check-in, and a hand mark that turns it absent.
    const s2 = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: here });
    await expect(students[3]!.checkIn(s2.sessionId, here)).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(teacher, ClientEvents.attendanceMark, { sessionId: s2.sessionId, targetStudentId: cls.students[3]!.id, status: 'absent', reason: 'Left after ten minutes' });
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: s2.sessionId });
    await start();
    const after2 = await until('session 2 in the table', (s) => s.table?.[cls.courseId]?.sessions === 2 && s.table[cls.courseId]!.absent === 5);
    expect(after2.table![cls.courseId]).toEqual({ courseCode: cls.courseCode, sessions: 2, present: 2, late: 0, excused: 1, absent: 5 });
    expect(after2.problems).toEqual([]);
    expect(new Set(after2.applied).size).toBe(after2.applied.length);
    expect(after2.applied.length).toBeGreaterThan(appliedBefore);
  });
});
