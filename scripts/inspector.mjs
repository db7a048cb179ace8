// A session on a running Node process's V8 inspector, opened from outside with SIGUSR1 (the
// process needs --inspect-port in NODE_OPTIONS and carries no code for it). Used by the benchmark
// and scripts/gateway-memory.mjs to read the gateway's memory after a full garbage collection.
// `ws`, which talks to the inspector, comes with socket.io's engine.io.
import WebSocket from 'ws';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A session on a process's V8 inspector: send(method, params) resolves with the result. */
export async function inspect(pid, port) {
  process.kill(pid, 'SIGUSR1');
  let targets;
  for (let i = 0; i < 50 && !targets; i++) {
    targets = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json(), () => undefined);
    if (!targets) await sleep(100);
  }
  if (!targets?.[0]) throw new Error(`the gateway's inspector did not open on port ${port}`);
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 0;
  const pending = new Map();
  const listeners = new Map();
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString());
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${msg.error.message}`));
      else p.resolve(msg.result);
    } else listeners.get(msg.method)?.(msg.params);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  const scripts = new Map();
  listeners.set('Debugger.scriptParsed', ({ scriptId, url }) => scripts.set(scriptId, url));
  return {
    send,
    scripts,
    on: (method, fn) => listeners.set(method, fn),
    close: () => ws.close(),
  };
}

export async function fullGcAndRead(inspector) {
  for (let i = 0; i < 3; i++) await inspector.send('HeapProfiler.collectGarbage');
  await sleep(200);
  const { result } = await inspector.send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
  return JSON.parse(result.value);
}
