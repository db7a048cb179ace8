// `npm run bench [-- --students N]`: the full check-in through the running system, beside baselines
// measured in the same run on the same machine, reported as ratios to DESIGN.md's targets.
//
//   baselines: raw ES256 verify (node:crypto, cached KeyObject) on 1 and 2 worker threads;
//              a bare Socket.IO echo with ack.
//   system:    the five services as separate processes on private NATS and Redis, Postgres.
//     paced:   N students check in spread evenly over one second → p50/p95/p99 submit→result,
//              CPU per check-in summed over every server process.
//     burst:   N students check in all at once → check-ins per second (to the last verdict, and to
//              the report, i.e. through the projection).
//     idle:    gateway memory per connected idle socket.
// Prints a table and writes bench-results/bench-<time>.json.
import { createHash, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { checkNode, ensureBuild, ensureDependencies } from './prepare.mjs';
import { root } from '../libs/runtime/src/services.mjs';

const { values } = parseArgs({ options: { students: { type: 'string', default: '1000' } } });
const N = Number(values.students);
const say = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

checkNode();
ensureDependencies();
ensureBuild();
const fromDist = (lib) => import(pathToFileURL(join(root, 'dist/libs', lib, 'src/index.js')).href);
const testing = await fromDist('testing');
const { TokenService } = await fromDist('auth');
const { ClientEvents, ServerEvents } = await fromDist('contracts');

// ---------- baselines ----------
const VERIFY_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { createPublicKey, verify } = require('node:crypto');
  const key = createPublicKey(workerData.publicKey);
  const data = Buffer.from(workerData.data, 'base64');
  const sig = Buffer.from(workerData.sig, 'base64');
  let n = 0;
  const until = Date.now() + workerData.ms;
  while (Date.now() < until) { for (let i = 0; i < 100; i++) verify('sha256', data, key, sig); n += 100; }
  parentPort.postMessage(n);
`;

async function es256Rate(threads, ms = 2_000) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // What a check-in verifies: authenticatorData (37 bytes) followed by sha256(clientDataJSON).
  const data = Buffer.concat([Buffer.alloc(37, 7), createHash('sha256').update('client-data').digest()]);
  const sig = sign('sha256', data, privateKey);
  if (!verify('sha256', data, publicKey, sig)) throw new Error('baseline signature does not verify');
  const workerData = { publicKey: publicKey.export({ format: 'pem', type: 'spki' }), data: data.toString('base64'), sig: sig.toString('base64'), ms };
  const counts = await Promise.all(
    Array.from({ length: threads }, () => new Promise((resolve, reject) => {
      const w = new Worker(VERIFY_WORKER, { eval: true, workerData });
      w.once('message', resolve);
      w.once('error', reject);
    })),
  );
  return counts.reduce((a, b) => a + b, 0) / (ms / 1000);
}

async function socketEchoRate(ms = 3_000, clients = 100) {
  const { Server } = await import('socket.io');
  const { io } = await import('socket.io-client');
  const http = createServer();
  const server = new Server(http, { serveClient: false });
  server.on('connection', (s) => s.on('echo', (payload, ack) => ack(payload)));
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${http.address().port}`;
  const sockets = await Promise.all(
    Array.from({ length: clients }, () => new Promise((resolve) => {
      const s = io(url, { transports: ['websocket'], forceNew: true });
      s.once('connect', () => resolve(s));
    })),
  );
  let n = 0;
  const until = Date.now() + ms;
  await Promise.all(sockets.map(async (s) => {
    while (Date.now() < until) {
      await s.emitWithAck('echo', { n });
      n++;
    }
  }));
  sockets.forEach((s) => s.close());
  server.close();
  http.close();
  return n / (ms / 1000);
}

// ---------- process readings ----------
const CLK_TCK = 100;
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
  } catch {
    return 0;
  }
}
function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}
/** Every process of the system by name: the five services, the servers started for it, and PostgreSQL's processes. */
function serverPids(sys) {
  const named = Object.entries(sys.pids()).map(([name, pid]) => [name, pid]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') named.push(['postgres', Number(entry)]);
    } catch {
      /* gone */
    }
  }
  return named;
}
/** CPU seconds so far, per process name. */
function cpuByName(named) {
  const out = {};
  for (const [name, pid] of named) out[name] = (out[name] ?? 0) + cpuSeconds(pid);
  return out;
}
const sumValues = (o) => Object.values(o).reduce((a, b) => a + b, 0);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---------- the system ----------
async function runSystem() {
  const sys = await testing.startTestSystem({ env: { LOG_LEVEL: 'warn' } });
  try {
    say(`creating a class of ${N}…`);
    const cls = await sys.createClass(N);
    const tokens = new TokenService(sys.env.AUTH_TOKEN_SECRET, 3_600);
    const tokenOf = async (u, role) => (await tokens.issue({ userId: u.id, role, email: u.email, name: u.name ?? 'Teacher' })).token;
    const teacher = await testing.connectSocket(sys.gatewayUrl, await tokenOf(cls.teacher, 'teacher'));
    const gatewayPid = sys.pids().gateway;

    say(`connecting ${N} students…`);
    const rssBefore = rssKb(gatewayPid);
    const students = [];
    for (let i = 0; i < N; i += 100) {
      students.push(...(await Promise.all(cls.students.slice(i, i + 100).map(async (s) => testing.StudentClient.connect(sys.gatewayUrl, sys.origin, await tokenOf(s, 'student'))))));
    }
    await sleep(3_000);
    const rssAfter = rssKb(gatewayPid);
    const kbPerSocket = (rssAfter - rssBefore) / N;

    say('registering passkeys…');
    for (let i = 0; i < N; i += 50) await Promise.all(students.slice(i, i + 50).map((s) => s.registerPasskey()));

    const room = { latitude: 50.8503, longitude: 4.3517, accuracy: 10 };
    const position = testing.offsetNorth(room, 15);
    const reportReady = new testing.EventLog(teacher, ServerEvents.reportReady);

    // Paced: N students within one second.
    say(`paced: ${N} check-ins spread over one second…`);
    let session = await testing.requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 100 });
    const pids = serverPids(sys);
    const cpuBefore = cpuByName(pids);
    const latencies = [];
    let rejected = 0;
    const pacedStart = performance.now();
    await Promise.all(students.map(async (s, i) => {
      await sleep((i * 1_000) / N);
      const begin = await testing.requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
      const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
      const t0 = performance.now();
      const ack = await testing.requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position, idempotencyKey: randomUUID() });
      const result = await s.results.waitFor((r) => r.submissionId === ack.submissionId, 120_000);
      latencies.push(performance.now() - t0);
      if (result.verdict !== 'accepted') rejected++;
    }));
    const pacedMs = performance.now() - pacedStart;
    await sleep(1_000); // let the projection finish its share of the work before reading CPU
    const cpuAfter = cpuByName(pids);
    const cpuMsPerCheckinByProcess = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, ((cpuAfter[k] - (cpuBefore[k] ?? 0)) * 1000) / N]));
    const cpuPerCheckin = (sumValues(cpuAfter) - sumValues(cpuBefore)) / N;
    await testing.requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await reportReady.waitFor((r) => r.sessionId === session.sessionId, 120_000);
    latencies.sort((a, b) => a - b);

    // Burst: all at once, as fast as the system goes.
    say(`burst: ${N} check-ins at once…`);
    session = await testing.requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 100 });
    const burstStart = performance.now();
    let lastVerdict = 0;
    await Promise.all(students.map(async (s) => {
      const begin = await testing.requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
      const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
      const ack = await testing.requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position, idempotencyKey: randomUUID() });
      const result = await s.results.waitFor((r) => r.submissionId === ack.submissionId, 120_000);
      if (result.verdict !== 'accepted') rejected++;
      lastVerdict = Math.max(lastVerdict, performance.now());
    }));
    await testing.requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await reportReady.waitFor((r) => r.sessionId === session.sessionId, 120_000);
    const reportAt = performance.now();
    const report = await testing.requestOk(teacher, ClientEvents.reportGet, { sessionId: session.sessionId });

    students.forEach((s) => s.close());
    teacher.close();
    return {
      students: N,
      rejected,
      presentInReport: report.presentCount,
      paced: {
        wallMs: pacedMs,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies[latencies.length - 1],
        cpuMsPerCheckin: cpuPerCheckin * 1000,
        cpuMsPerCheckinByProcess,
      },
      burst: {
        checkinsPerSecondToVerdict: N / ((lastVerdict - burstStart) / 1000),
        checkinsPerSecondToReport: N / ((reportAt - burstStart) / 1000),
      },
      gateway: { rssBeforeKb: rssBefore, rssAfterKb: rssAfter, kbPerIdleSocket: kbPerSocket },
    };
  } finally {
    await sys.stop();
  }
}

say('baseline: raw ES256 verify, 1 thread…');
const verify1 = await es256Rate(1);
say('baseline: raw ES256 verify, 2 threads…');
const verify2 = await es256Rate(2);
say('baseline: bare Socket.IO echo with ack…');
const echo = await socketEchoRate();
const system = await runSystem();

const verifyCostMs = 1000 / verify1;
const targets = [
  ['check-ins/s (burst, to verdict) ≥ 0.3 × 2-thread verify', system.burst.checkinsPerSecondToVerdict, 0.3 * verify2, system.burst.checkinsPerSecondToVerdict / verify2, '≥ 0.30'],
  ['p99 submit→result (ms), 1,000 in 1 s ≤ 150', system.paced.p99Ms, 150, system.paced.p99Ms / 150, '≤ 1.00 of 150 ms'],
  ['server CPU per check-in ≤ 3 × one verify', system.paced.cpuMsPerCheckin, 3 * verifyCostMs, system.paced.cpuMsPerCheckin / verifyCostMs, '≤ 3.0'],
  ['gateway KB per idle socket ≤ 6', system.gateway.kbPerIdleSocket, 6, system.gateway.kbPerIdleSocket / 6, '≤ 1.00 of 6 KB'],
];
const met = [
  system.burst.checkinsPerSecondToVerdict >= 0.3 * verify2,
  system.paced.p99Ms <= 150,
  system.paced.cpuMsPerCheckin <= 3 * verifyCostMs,
  system.gateway.kbPerIdleSocket <= 6,
];

const f = (n, d = 1) => Number(n).toFixed(d);
const lines = [
  '',
  `ClassConnect benchmark — ${N} students, ${new Date().toISOString()}, Node ${process.versions.node}, ${(await import('node:os')).cpus().length} cores`,
  '',
  'baselines (same run)',
  `  raw ES256 verify, 1 thread        ${f(verify1, 0)} /s   (${f(verifyCostMs, 3)} ms each)`,
  `  raw ES256 verify, 2 threads       ${f(verify2, 0)} /s`,
  `  Socket.IO echo with ack           ${f(echo, 0)} /s`,
  '',
  'system',
  `  paced: ${N} in 1 s, wall ${f(system.paced.wallMs, 0)} ms; submit→result p50 ${f(system.paced.p50Ms)} ms, p95 ${f(system.paced.p95Ms)} ms, p99 ${f(system.paced.p99Ms)} ms, max ${f(system.paced.maxMs)} ms`,
  `  CPU per check-in (all server processes)  ${f(system.paced.cpuMsPerCheckin, 3)} ms: ${Object.entries(system.paced.cpuMsPerCheckinByProcess)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${f(v, 2)}`)
    .join(', ')}`,
  `  burst: ${f(system.burst.checkinsPerSecondToVerdict, 0)} check-ins/s to verdict, ${f(system.burst.checkinsPerSecondToReport, 0)} /s through the report`,
  `  gateway RSS ${system.gateway.rssBeforeKb} → ${system.gateway.rssAfterKb} KB with ${N} idle sockets: ${f(system.gateway.kbPerIdleSocket, 2)} KB each`,
  `  rejected ${system.rejected} (expected 0); present in the last report ${system.presentInReport}/${N}`,
  '',
  'targets (DESIGN.md)                                   measured     target     ratio   needed   met',
  ...targets.map(([name, value, target, ratio, needed], i) => `  ${name.padEnd(52)} ${f(value, 2).padStart(9)} ${f(target, 2).padStart(10)} ${f(ratio, 2).padStart(8)}   ${needed.padEnd(16)} ${met[i] ? 'yes' : 'NO'}`),
  '',
  'The load generator (sockets, signing) runs on the same 2 cores as the servers.',
];
process.stdout.write(lines.join('\n') + '\n');

const outDir = join(root, 'bench-results');
if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true });
const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ students: N, baselines: { es256Verify1: verify1, es256Verify2: verify2, socketEcho: echo }, system, targets: targets.map(([name, value, target, ratio], i) => ({ name, value, target, ratio, met: met[i] })) }, null, 2));
say(`wrote ${file}`);
process.exit(0);
