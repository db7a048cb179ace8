// `npm run bench -- --perf`: a CPU profile of the running system from Linux perf, for one paced run.
//
// node's --cpu-prof samples the main thread on a wall-clock timer. On two busy cores a process that
// waits for a core is sampled where the kernel left it, so system calls (writev above all) take far
// more of its profile than of its CPU time. perf samples a process only while it runs on a core, so
// its shares are shares of CPU. It sees the whole machine at once: the services, NATS, Redis and
// PostgreSQL, the kernel's part of each, and JavaScript by name (the services run with
// --perf-basic-prof, which writes the names of compiled functions to /tmp/perf-<pid>.map).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `perf` is installed and may sample every CPU here (it needs root or a low perf_event_paranoid). */
export function perfUsable() {
  try {
    execFileSync('perf', ['stat', '-a', '-e', 'cpu-clock', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts sampling every CPU at `hz` into `file`, and resolves once perf says sampling is on: perf
 * starts with its events disabled (`-D -1`), sets itself up (the header, a scan of every process),
 * and is then told `enable` over a control FIFO and answers `ack`, so the run that follows is
 * sampled from its start. `stop()` ends it once the samples are written. Should the benchmark end
 * first (a failure), perf is stopped with it rather than left sampling.
 */
export async function startPerf(file, hz = 999) {
  rmSync(file, { force: true });
  const fifos = mkdtempSync(join(tmpdir(), 'bench-perf-'));
  const ctl = join(fifos, 'ctl');
  const ack = join(fifos, 'ack');
  execFileSync('mkfifo', [ctl, ack]);
  // Neither open waits for perf: read-write on a FIFO and non-blocking read-only both return at once.
  const ctlFd = openSync(ctl, constants.O_RDWR);
  const ackFd = openSync(ack, constants.O_RDONLY | constants.O_NONBLOCK);
  const child = spawn('perf', ['record', '-F', String(hz), '-a', '-D', '-1', '--control', `fifo:${ctl},${ack}`, '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let ended = false;
  const exited = once(child, 'exit')
    .catch((err) => [null, null, err])
    .finally(() => (ended = true));
  const stopWithUs = () => child.kill('SIGINT');
  process.once('exit', stopWithUs);
  const cleanUp = () => {
    closeSync(ctlFd);
    closeSync(ackFd);
    rmSync(fifos, { recursive: true, force: true });
  };
  const fail = async (message) => {
    process.off('exit', stopWithUs);
    child.kill('SIGINT');
    await exited;
    cleanUp();
    throw new Error(message);
  };
  writeSync(ctlFd, 'enable\n');
  const answer = Buffer.alloc(16);
  let heard = '';
  for (let waited = 0; !heard.includes('ack'); waited += 20) {
    if (ended) {
      const [code, signal, err] = await exited;
      return fail(`perf record could not start: ${err?.message || stderr.trim() || code || signal}`);
    }
    if (waited >= 10_000) return fail(`perf record did not start sampling within 10 s: ${stderr.trim()}`);
    try {
      const n = readSync(ackFd, answer, 0, answer.length, null);
      heard += answer.toString('utf8', 0, n);
    } catch (err) {
      if (err.code !== 'EAGAIN') return fail(`perf's control FIFO could not be read: ${err.message}`);
    }
    if (!heard.includes('ack')) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    async stop() {
      process.off('exit', stopWithUs);
      child.kill('SIGINT');
      const [code, signal, err] = await exited;
      cleanUp();
      if (err) throw new Error(`perf record could not run: ${err.message}`);
      if (code !== 0 && signal !== 'SIGINT') throw new Error(`perf record ended with ${code ?? signal}: ${stderr.trim()}`);
    },
  };
}

/** What a sample's code is: JavaScript compiled by V8, the node binary (V8 and Node's own C++, OpenSSL), other libraries, or the kernel. */
function kindOf(dso) {
  if (dso.startsWith('/tmp/perf-') || dso.startsWith('[JIT]')) return 'JavaScript (compiled)';
  if (dso === '[kernel.kallsyms]' || dso === '[vdso]') return 'kernel';
  const base = dso.split('/').pop();
  if (base === 'node') return 'node (V8 runtime, builtins, OpenSSL)';
  if (base.startsWith('libc.so') || base.startsWith('libstdc++') || base.startsWith('libjemalloc')) return 'libc / allocator';
  return 'program';
}

/**
 * Per process of the system (`nameOf(pid, comm)` names it, or undefined to leave it out; every
 * thread of a process counts under its pid): its share
 * of every sample taken, the split of its samples by kind of code, and its `top` symbols by self time.
 */
export function perfSummary(file, nameOf, top = 15) {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'comm,pid,ip,sym,dso'], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let all = 0;
  const byName = new Map();
  for (const line of text.split('\n')) {
    // "<comm> <pid> <address> <symbol> (<dso>)" (the symbol needs the address); comm may hold spaces.
    const m = /^\s*(.*?)\s+(\d+)\s+[0-9a-f]+\s+(.*)\s+\((.*)\)\s*$/.exec(line);
    if (!m) continue;
    all++;
    const [, comm, pid, sym, dso] = m;
    const name = nameOf(Number(pid), comm);
    if (!name) continue;
    const entry = byName.get(name) ?? { samples: 0, kinds: new Map(), symbols: new Map() };
    byName.set(name, entry);
    entry.samples++;
    const kind = kindOf(dso);
    entry.kinds.set(kind, (entry.kinds.get(kind) ?? 0) + 1);
    const key = `${sym.replace(/^JS:/, '').replace('file://', '')} [${kind.split(' ')[0]}]`;
    entry.symbols.set(key, (entry.symbols.get(key) ?? 0) + 1);
  }
  const shares = (m, n) => [...m].sort((a, b) => b[1] - a[1]).map(([k, c]) => [k, c / n]);
  return Object.fromEntries(
    [...byName]
      .sort((a, b) => b[1].samples - a[1].samples)
      .map(([name, e]) => [
        name,
        {
          shareOfAllSamples: e.samples / all,
          kinds: Object.fromEntries(shares(e.kinds, e.samples)),
          top: shares(e.symbols, e.samples).slice(0, top).map(([symbol, share]) => ({ symbol, share })),
        },
      ]),
  );
}
