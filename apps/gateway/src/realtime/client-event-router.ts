import { Inject, Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { ClientAckData, ClientEvent, Permission, Result, RpcRequest, RpcSubject } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { RelayTable } from './relay-table.js';
import { runClientEvent, userOf, type EventContext, type ParsedPayload } from './socket-handler.js';

type Handler = (socket: Socket, payload: unknown) => Promise<Result<unknown>>;

const log = createLogger('ClientEventRouter');

/**
 * Every client event's handler, in one table shared by all connections: the rows of the relay
 * table, and the handlers the gateways add for events that do more than a relay. A connection's
 * rate-limit middleware hands each packet to dispatch(), so a socket carries no listener per event.
 * Each event goes through runClientEvent (identity fields, schema, permission, ack, error log).
 */
@Injectable()
export class ClientEventRouter {
  private readonly handlers = new Map<string, Handler>();

  constructor(@Inject(RpcClient) rpc: RpcClient) {
    for (const row of RelayTable) {
      this.handle(row.event, row.action, async (request, { actor, correlationId, socket }) => {
        const rpcRequest = row.request(request, actor, userOf(socket)) as RpcRequest<RpcSubject>;
        const reply = await rpc.request(row.subject, rpcRequest, { correlationId, timeoutMs: row.timeoutMs });
        if (row.after) {
          await row.after(reply, actor, (subject, req) => rpc.request(subject, req, { correlationId })).catch((err: unknown) =>
            log.warn({ err, event: row.event, correlationId }, 'a follow-up of a relayed event failed'),
          );
        }
        return reply as never;
      });
    }
  }

  /** Adds the handler of a client event that is not a row of the relay table. */
  handle<E extends ClientEvent>(event: E, action: Permission, handler: (request: ParsedPayload<E>, ctx: EventContext) => Promise<ClientAckData[E]>): void {
    if (this.handlers.has(event)) throw new Error(`the client event ${event} has two handlers`);
    this.handlers.set(event, (socket, payload) => runClientEvent(socket, event, action, payload, handler));
  }

  /** Runs the packet's event and acks the outcome; false, doing nothing, for an event without a handler. */
  dispatch(socket: Socket, [event, ...args]: unknown[]): boolean {
    const handler = this.handlers.get(event as string);
    if (!handler) return false;
    const { payload, ack } = splitAck(args);
    void handler(socket, payload).then((result) => {
      // As Nest did for its handlers: no ack once the connection is gone.
      if (ack && socket.connected) ack(result);
    });
    return true;
  }
}

/** The arguments of an emit as Nest reads them for its handlers: the last one, a function, is the ack; one more is the payload, several an array. */
export function splitAck(args: unknown[]): { payload: unknown; ack?: (result: unknown) => void } {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (result: unknown) => void) : undefined;
  const rest = ack ? args.slice(0, -1) : args;
  return { payload: rest.length > 1 ? rest : rest[0], ...(ack ? { ack } : {}) };
}
