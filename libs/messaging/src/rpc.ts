import { headers as natsHeaders, NoRespondersError, TimeoutError, type NatsConnection, type Msg, type Subscription } from '@nats-io/transport-node';
import {
  CorrelationHeader,
  DomainError,
  ErrorCode,
  RpcRequestSchemas,
  parseOrThrow,
  type ErrorBody,
  type Result,
  type RpcParsed,
  type RpcReply,
  type RpcRequest,
  type RpcSubject,
} from '@classconnect/contracts';
import { Metrics, countDependencyError, createLogger, currentCorrelationId, newCorrelationId, newErrorId, withCorrelation, type Logger } from '@classconnect/observability';
import { requesterFor } from './requester.js';
import { dependencyOf, isTransientError } from './transient-errors.js';

export interface RpcContext {
  correlationId: string;
}

export type RpcHandler<S extends RpcSubject> = (request: RpcParsed<S>, ctx: RpcContext) => Promise<RpcReply<S>>;

const encoder = new TextEncoder();

/** What a caller is told when a database, Redis or NATS is down: back off and retry. */
export const UnavailableMessage = 'A service needed for this is not available right now. Please try again in a moment.';

/**
 * Maps anything thrown by a handler to the error body a caller receives: domain errors as they
 * are, a dependency that is down as SERVICE_UNAVAILABLE, and anything else as INTERNAL with an id
 * that is also in the log.
 */
export function toErrorBody(err: unknown, log: Logger, context: Record<string, unknown> = {}): ErrorBody {
  if (err instanceof DomainError) return err.toBody();
  if (isTransientError(err)) {
    const dependency = dependencyOf(err);
    if (dependency) countDependencyError(dependency);
    log.warn({ err, ...context }, 'a dependency is unavailable');
    return { code: ErrorCode.SERVICE_UNAVAILABLE, message: UnavailableMessage, retryAfterSeconds: 2 };
  }
  const errorId = newErrorId();
  log.error({ err, errorId, ...context }, 'unexpected error');
  return { code: ErrorCode.INTERNAL, message: `Something went wrong on our side (error id ${errorId}).`, errorId };
}

/**
 * Serves request/reply commands on NATS core. Each subject is subscribed in the service's queue
 * group, so running more instances spreads the load. Requests are validated against the subject's
 * schema before the handler sees them; replies are Result JSON.
 */
export class RpcServer {
  private readonly subs: Subscription[] = [];
  private readonly log: Logger;

  constructor(
    private readonly nc: NatsConnection,
    private readonly queue: string,
  ) {
    this.log = createLogger(`RpcServer:${queue}`);
  }

  handle<S extends RpcSubject>(subject: S, handler: RpcHandler<S>): void {
    const schema = RpcRequestSchemas[subject];
    const sub = this.nc.subscribe(subject, {
      queue: this.queue,
      callback: (err, msg) => {
        if (err) {
          this.log.error({ err, subject }, 'subscription error');
          return;
        }
        // Every log line written while serving it carries the caller's correlation id.
        void withCorrelation(msg.headers?.get(CorrelationHeader) || newCorrelationId(), () => this.serve(msg, subject, schema, handler));
      },
    });
    this.subs.push(sub);
  }

  private async serve<S extends RpcSubject>(msg: Msg, subject: S, schema: (typeof RpcRequestSchemas)[S], handler: RpcHandler<S>) {
    const correlationId = currentCorrelationId() ?? newCorrelationId();
    let reply: Result<unknown>;
    try {
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The request is not valid JSON.');
      }
      const request = parseOrThrow(schema, body) as RpcParsed<S>;
      reply = { ok: true, data: await handler(request, { correlationId }) };
      this.log.debug({ subject }, 'served');
    } catch (err) {
      reply = { ok: false, error: toErrorBody(err, this.log, { subject, correlationId }) };
    }
    if (msg.reply) this.respond(msg, reply, subject, correlationId);
  }

  /**
   * Sends the reply. One larger than the server's max_payload (1 MB by default) cannot be sent:
   * the caller gets INTERNAL with an error id instead of waiting for a time-out, and the process
   * goes on (the client library throws, and an uncaught throw here ended the whole service).
   */
  private respond(msg: Msg, reply: Result<unknown>, subject: string, correlationId: string): void {
    let bytes = encoder.encode(JSON.stringify(reply));
    const limit = this.nc.info?.max_payload;
    if (limit !== undefined && bytes.length > limit) {
      const errorId = newErrorId();
      this.log.error({ subject, correlationId, errorId, bytes: bytes.length, limit }, 'reply larger than the NATS server accepts; answered INTERNAL instead');
      const error: ErrorBody = { code: ErrorCode.INTERNAL, message: `The answer is too large to send (error id ${errorId}).`, errorId };
      bytes = encoder.encode(JSON.stringify({ ok: false, error }));
    }
    try {
      msg.respond(bytes);
    } catch (err) {
      this.log.error({ err, subject, correlationId }, 'could not send a reply');
    }
  }

  async close(): Promise<void> {
    for (const sub of this.subs) sub.unsubscribe();
    this.subs.length = 0;
  }
}

/** Sends commands and returns their data, or throws the DomainError the service replied with. */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs = 5_000,
  ) {}

  async request<S extends RpcSubject>(
    subject: S,
    request: RpcRequest<S>,
    opts: { correlationId?: string; timeoutMs?: number } = {},
  ): Promise<RpcReply<S>> {
    const h = natsHeaders();
    // The work this request is part of (a check-in, a socket event) is named by the same id everywhere.
    h.set(CorrelationHeader, opts.correlationId ?? currentCorrelationId() ?? newCorrelationId());
    const timer = Metrics.natsRequest.startTimer({ subject });
    let msg: Msg;
    try {
      msg = await requesterFor(this.nc).request(subject, JSON.stringify(request), {
        timeoutMs: opts.timeoutMs ?? this.defaultTimeoutMs,
        headers: h,
      });
    } catch (err) {
      if (isUnavailable(err)) {
        timer({ outcome: 'unavailable' });
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, UnavailableMessage);
      }
      timer({ outcome: 'error' });
      throw err;
    }
    const result = msg.json<Result<RpcReply<S>>>();
    timer({ outcome: result.ok ? 'ok' : 'error' });
    if (result.ok) return result.data;
    throw new DomainError(result.error.code, result.error.message, result.error.issues, result.error.retryAfterSeconds);
  }
}

/** True for the errors that mean "nobody answered": no responders, a time-out, a closed connection. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof NoRespondersError || err instanceof TimeoutError) return true;
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof NoRespondersError || cause instanceof TimeoutError) return true;
  const name = (err as Error)?.name ?? '';
  return /NoResponders|Timeout|ClosedConnection|Draining/.test(name);
}
