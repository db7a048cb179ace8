import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Duplex } from 'node:stream';
import { coalesceWrites, type NatsSecurity } from '@classconnect/config';
import { countDependencyError, createLogger } from '@classconnect/observability';
import { inboxPrefixOf } from './nats-permissions.js';

const log = createLogger('NatsConnection');

/**
 * Connects to NATS and keeps reconnecting for as long as the process lives. `security`: the
 * service's own user and the certificate authority for TLS (natsSecurity from libs/config).
 */
export async function connectNats(url: string, name: string, security: NatsSecurity = {}): Promise<NatsConnection> {
  const nc = await connect({
    ...security,
    // Replies arrive under a prefix of the NATS user's own, which that user alone may read (nats-permissions.ts).
    inboxPrefix: inboxPrefixOf(security.user ?? name),
    servers: url.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    // Without this the client captures two stack traces for every request it sends, in case it
    // fails: a profile of the check-in path showed them among each service's costliest calls.
    // A failed request still says which subject (RpcClient turns it into SERVICE_UNAVAILABLE).
    noAsyncTraces: true,
  });
  coalesceTransportWrites(nc);
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') log.warn({ status: s.type }, 'NATS connection status');
      if (s.type === 'disconnect' || s.type === 'error') countDependencyError('nats');
    }
  })();
  log.info({ server: nc.getServer() }, 'connected to NATS');
  return nc;
}

/**
 * Calls `onGap` whenever this connection's plain (core) subscriptions may have missed messages: core
 * NATS delivers nothing while disconnected, and drops messages for a subscriber that falls behind.
 * For a process that keeps something in memory on the strength of such messages. Returns how to stop.
 */
export function watchForGaps(nc: NatsConnection, onGap: () => void): () => void {
  let stopped = false;
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) return;
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'slowConsumer') onGap();
    }
  })().catch(() => {
    if (!stopped) onGap();
  });
  return () => {
    stopped = true;
  };
}

interface TransportInternals {
  socket?: Duplex;
  _send?: (frame: Uint8Array) => Promise<void>;
}
const Patched = Symbol('classconnect.coalesced');

/**
 * What the client writes in one turn of the event loop goes to the server in one system call
 * (coalesceWrites), on this connection's socket and on every socket it reconnects with. The client
 * keeps its transport to itself: the hook is put on the transport's class once, where every write
 * passes; should a later client version name things differently, the client is left as it is.
 */
function coalesceTransportWrites(nc: NatsConnection): void {
  const transport = (nc as unknown as { protocol?: { transport?: TransportInternals } }).protocol?.transport;
  const proto = transport ? (Object.getPrototypeOf(transport) as TransportInternals & { [Patched]?: true }) : undefined;
  const send = proto?._send;
  if (!proto || proto[Patched] || typeof send !== 'function') {
    if (!proto?.[Patched]) log.debug('the NATS client has no transport hook to coalesce writes; writes go out one by one');
    return;
  }
  proto._send = function (this: TransportInternals, frame: Uint8Array) {
    if (this.socket) coalesceWrites(this.socket);
    return send.call(this, frame);
  };
  proto[Patched] = true;
}
