import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsSecurity } from '@classconnect/config';
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
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') log.warn({ status: s.type }, 'NATS connection status');
      if (s.type === 'disconnect' || s.type === 'error') countDependencyError('nats');
    }
  })();
  log.info({ server: nc.getServer() }, 'connected to NATS');
  return nc;
}
