import { NoRespondersError, TimeoutError, createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

interface Pending {
  subject: string;
  resolve(msg: Msg): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over one wildcard inbox per connection. The NATS client's own `request` builds an
 * Error, stack trace included, for every request it finishes — a successful one too, to reject a
 * promise already settled — and the check-in profile showed that construction among the costliest
 * calls of session- and verification-service. This does the same exchange with a map and a timer.
 * Failures are the client's own errors (TimeoutError, NoRespondersError), so callers can tell them apart.
 */
export class Requester {
  private readonly prefix: string;
  private readonly pending = new Map<string, Pending>();
  private sub?: Subscription;
  private nextToken = 0;

  constructor(private readonly nc: NatsConnection) {
    const inboxPrefix = (nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
    this.prefix = `${createInbox(inboxPrefix)}.`;
  }

  request(subject: string, data: Uint8Array | string, opts: { timeoutMs: number; headers?: MsgHdrs }): Promise<Msg> {
    this.sub ??= this.nc.subscribe(`${this.prefix}*`, { callback: (err, msg) => (err ? this.failAll(err) : this.settle(msg)) });
    const token = (this.nextToken++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new TimeoutError());
      }, opts.timeoutMs);
      this.pending.set(token, { subject, resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { reply: this.prefix + token, ...(opts.headers ? { headers: opts.headers } : {}) });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(token);
        reject(err as Error);
      }
    });
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const p = this.pending.get(token);
    if (!p) return; // answered after its time-out
    this.pending.delete(token);
    clearTimeout(p.timer);
    // The server's "no responders" status: an empty message with code 503.
    if (msg.data.length === 0 && msg.headers?.code === 503) p.reject(new NoRespondersError(p.subject));
    else p.resolve(msg);
  }

  /** The inbox subscription itself failed (the connection closed): every request waiting on it fails now. */
  private failAll(err: Error): void {
    this.sub = undefined;
    for (const [token, p] of this.pending) {
      this.pending.delete(token);
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}

const requesters = new WeakMap<NatsConnection, Requester>();

/** The one Requester of a connection. */
export function requesterFor(nc: NatsConnection): Requester {
  let r = requesters.get(nc);
  if (!r) requesters.set(nc, (r = new Requester(nc)));
  return r;
}

/** What JetStream answers a publish with. */
export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/** JetStream refused a publish (no stream for the subject, a full stream, a wrong expectation). */
export class JetStreamPublishError extends Error {
  constructor(
    readonly subject: string,
    readonly code: number,
    description: string,
  ) {
    super(`JetStream refused a publish to ${subject}: ${description} (${code})`);
    this.name = 'JetStreamPublishError';
  }
}

/**
 * Publishes to a stream and waits for its acknowledgement: a request whose reply is JetStream's
 * PubAck, with `Nats-Msg-Id` for de-duplication. Several publishes started together leave in one
 * write and are stored in the order they were started.
 */
export async function publishToStream(
  nc: NatsConnection,
  subject: string,
  payload: Uint8Array | string,
  opts: { msgID: string; headers: MsgHdrs; timeoutMs: number },
): Promise<PubAck> {
  opts.headers.set('Nats-Msg-Id', opts.msgID);
  const reply = await requesterFor(nc).request(subject, payload, { timeoutMs: opts.timeoutMs, headers: opts.headers });
  const ack = reply.json<Partial<PubAck> & { error?: { code: number; description: string } }>();
  if (ack.error) throw new JetStreamPublishError(subject, ack.error.code, ack.error.description);
  if (!ack.stream) throw new JetStreamPublishError(subject, 0, 'the answer is not an acknowledgement');
  return { stream: ack.stream, seq: ack.seq ?? 0, duplicate: ack.duplicate === true };
}
