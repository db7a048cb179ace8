import type { Duplex } from 'node:stream';

const coalesced = new WeakSet<Duplex>();

/**
 * Makes every write to `socket` in one turn of the event loop leave in one system call: the first
 * write of a turn corks the socket and the turn's check phase (setImmediate) uncorks it, so what the
 * turn wrote goes out together (writev). The NATS and Redis clients flush after each microtask
 * checkpoint, and under load one turn runs many callbacks (a lecture hall's check-ins arriving on
 * many sockets at once): each of those used to be a write of its own, and on a busy host those
 * writes were each service's costliest calls (docs/benchmarks/README.md). Nothing waits for a timer:
 * the data leaves before the loop next waits for I/O. Safe to call twice on one socket.
 */
export function coalesceWrites(socket: Duplex): void {
  if (coalesced.has(socket)) return;
  coalesced.add(socket);
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: Duplex, ...args: Parameters<Duplex['write']>): boolean {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Duplex['write'];
}
