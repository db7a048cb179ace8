import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@classconnect/observability';

const log = createLogger('NatsConnection');

/** Connects to NATS and keeps reconnecting for as long as the process lives. */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  const nc = await connect({
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
    }
  })();
  log.info({ server: nc.getServer() }, 'connected to NATS');
  return nc;
}
