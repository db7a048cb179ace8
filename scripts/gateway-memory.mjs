// The gateway's memory per idle Socket.IO connection, measured after a full garbage collection.
//
//   node scripts/gateway-memory.mjs [--sockets 1000,5000] [--snapshots DIR]
//
// Uses the build in dist/ (run `npm run build` first). Starts the whole system as the end-to-end
// tests do, enrols one class of students, and reads the gateway from outside through the V8
// inspector, which it switches on with SIGUSR1 (the gateway carries no code for this):
//   1. warm-up: 100 students connect and leave, so code compiled on first use is not counted;
//   2. full GC (HeapProfiler.collectGarbage), then process.memoryUsage() with no idle student;
//   3. students connect (authenticated, enrolled in the course, each with its own device id, as
//      scripts/bench.mjs does) up to each count in --sockets, wait 3 s, full GC, read again;
// and prints (after - before) / sockets for heapUsed, external and RSS.
// With --snapshots DIR it also writes a heap snapshot at each reading and prints, per constructor,
// the bytes and objects the snapshot at the largest count holds beyond the one with no socket,
// divided by that count: what each idle socket keeps alive. Taking a snapshot grows the gateway's
// RSS, so read the RSS column from a run without --snapshots.
// Every service gets NODE_OPTIONS=--inspect-port (only the gateway is signalled, so only its
// inspector opens); `ws`, which talks to the inspector, comes with socket.io's engine.io.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../libs/runtime/src/infra.mjs';
import { root } from '../libs/runtime/src/services.mjs';
import { fullGcAndRead, inspect } from './inspector.mjs';

const { values } = parseArgs({ options: { sockets: { type: 'string', default: '1000,5000' }, snapshots: { type: 'string' } } });
const counts = values.sockets.split(',').map(Number).sort((a, b) => a - b);
const say = (msg) => process.stderr.write(`[gateway-memory] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fromDist = (lib) => import(pathToFileURL(join(root, 'dist/libs', lib, 'src/index.js')).href);
const testing = await fromDist('testing');
const { TokenService } = await fromDist('auth');

async function heapSnapshot(inspector, file) {
  const chunks = [];
  inspector.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await inspector.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  writeFileSync(file, chunks.join(''));
  return file;
}

/**
 * Self size and count per (node type, constructor or function name) in a .heapsnapshot file; a
 * closure also by where its function is written (`scripts`: script id → url).
 */
function sizesByConstructor(file, scripts) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const where = new Map();
  const lw = snap.snapshot.meta.location_fields.length;
  for (let i = 0; i < snap.locations.length; i += lw) {
    const url = (scripts.get(String(snap.locations[i + 1])) ?? '?').replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, 'dist/');
    where.set(snap.locations[i], `${url}:${snap.locations[i + 2] + 1}`);
  }
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    const name = snap.strings[snap.nodes[i + iName]];
    const key =
      type === 'object' ? name
      : type === 'closure' ? `closure ${name || '(anonymous)'} ${where.get(i) ?? ''}`
      : `(${type})${type === 'code' || type === 'hidden' || type === 'native' ? ` ${name.slice(0, 40)}` : ''}`;
    const e = out.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += snap.nodes[i + iSize];
    e.count += 1;
    out.set(key, e);
  }
  return out;
}

function perSocketHolders(beforeFile, afterFile, sockets, scripts) {
  const before = sizesByConstructor(beforeFile, scripts);
  const after = sizesByConstructor(afterFile, scripts);
  const rows = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { bytes: 0, count: 0 };
    rows.push({ key, bytesPerSocket: (a.bytes - b.bytes) / sockets, objectsPerSocket: (a.count - b.count) / sockets });
  }
  rows.sort((x, y) => y.bytesPerSocket - x.bytesPerSocket);
  return rows;
}

const inspectPort = await freePort();
const sys = await testing.startTestSystem({ env: { LOG_LEVEL: 'warn', NODE_OPTIONS: `--inspect-port=127.0.0.1:${inspectPort}` } });
const clients = [];
try {
  const N = counts[counts.length - 1];
  say(`creating a class of ${N}…`);
  const cls = await sys.createClass(N);
  const tokens = new TokenService(sys.env.AUTH_TOKEN_SECRET, 3_600);
  const tokenOf = async (u) => (await tokens.issue({ userId: u.id, role: 'student', email: u.email, name: u.name })).token;
  const connect = async (from, to) => {
    for (let i = from; i < to; i += 100) {
      const batch = cls.students.slice(i, Math.min(i + 100, to));
      clients.push(...(await Promise.all(batch.map(async (s, j) => testing.connectSocket(sys.gatewayUrl, await tokenOf(s), { deviceId: `memory-device-${i + j}` })))));
    }
  };

  const inspector = await inspect(sys.pids().gateway, inspectPort);
  say('warming up: 100 students connect and leave…');
  await connect(0, 100);
  clients.splice(0).forEach((s) => s.close());
  await sleep(2_000);

  if (values.snapshots) {
    mkdirSync(values.snapshots, { recursive: true });
    await inspector.send('Debugger.enable'); // for the names of the scripts closures come from
  }
  const base = await fullGcAndRead(inspector);
  const baseSnapshot = values.snapshots && (await heapSnapshot(inspector, join(values.snapshots, 'gateway-0.heapsnapshot')));
  const readings = [];
  let lastSnapshot;
  for (const n of counts) {
    say(`connecting ${n} idle students…`);
    await connect(clients.length, n);
    await sleep(3_000);
    const m = await fullGcAndRead(inspector);
    const kb = (field) => (m[field] - base[field]) / 1024 / n;
    readings.push({ sockets: n, heapUsedKb: kb('heapUsed'), heapTotalKb: kb('heapTotal'), externalKb: kb('external'), rssKb: kb('rss'), memory: m });
    if (values.snapshots) lastSnapshot = await heapSnapshot(inspector, join(values.snapshots, `gateway-${n}.heapsnapshot`));
  }

  say('all students leave…');
  clients.splice(0).forEach((s) => s.close());
  await sleep(3_000);
  const left = await fullGcAndRead(inspector);
  const f = (x) => x.toFixed(2).padStart(8);
  const mb = (m) => `heapUsed ${(m.heapUsed / 1048576).toFixed(1)} MB, external ${(m.external / 1048576).toFixed(1)} MB, rss ${(m.rss / 1048576).toFixed(1)} MB`;
  const lines = [
    '',
    `gateway memory per idle socket, after a full GC — Node ${process.versions.node}`,
    'method: the system from dist/ (libs/testing startTestSystem); the gateway\'s V8 inspector opened with SIGUSR1;',
    '        100 sockets connect and close to warm up; HeapProfiler.collectGarbage ×3, then process.memoryUsage()',
    '        with no idle socket and again after N authenticated, enrolled students connect and sit idle for 3 s;',
    '        figures are (after - before) / N.',
    `with no idle socket:           ${mb(base)}`,
    `once every idle socket closed: ${mb(left)} (RSS the sockets leave behind is freed memory the allocator keeps)`,
    '',
    '  sockets   heapUsed KB  heapTotal KB   external KB    RSS KB',
    ...readings.map((r) => `  ${String(r.sockets).padStart(7)}   ${f(r.heapUsedKb)}      ${f(r.heapTotalKb)}      ${f(r.externalKb)}      ${f(r.rssKb)}`),
  ];
  if (values.snapshots) {
    const n = counts[counts.length - 1];
    lines.push('', `what each of ${n} idle sockets holds on the heap (snapshot with ${n} sockets minus snapshot with none; self sizes):`);
    lines.push('      bytes   objects   constructor');
    for (const r of perSocketHolders(baseSnapshot, lastSnapshot, n, inspector.scripts).slice(0, 40)) {
      lines.push(`  ${r.bytesPerSocket.toFixed(0).padStart(9)}  ${r.objectsPerSocket.toFixed(2).padStart(8)}   ${r.key}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  inspector.close();
} finally {
  clients.forEach((s) => s.close());
  await sys.stop();
}
process.exit(0);
