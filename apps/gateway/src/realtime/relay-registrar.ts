import { Inject, Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { RpcRequest, RpcSubject } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { RelayTable } from './relay-table.js';
import { runClientEvent, userOf } from './socket-handler.js';

/**
 * Subscribes every row of the relay table on a connected socket. Each event goes through
 * runClientEvent (identity fields, schema, permission, ack, error log) like a handwritten handler,
 * after the connection's rate-limit middleware.
 */
@Injectable()
export class RelayRegistrar {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  subscribe(socket: Socket): void {
    for (const row of RelayTable) {
      socket.on(row.event, (...args: unknown[]) => {
        const { payload, ack } = splitAck(args);
        void runClientEvent(socket, row.event, row.action, payload, async (request, { actor, correlationId }) => {
          const rpcRequest = row.request(request, actor, userOf(socket)) as RpcRequest<RpcSubject>;
          return this.rpc.request(row.subject, rpcRequest, { correlationId, timeoutMs: row.timeoutMs }) as Promise<never>;
        }).then((result) => {
          // As for Nest's handlers: no ack once the connection is gone.
          if (ack && socket.connected) ack(result);
        });
      });
    }
  }
}

/** The arguments of an emit as Nest reads them for its handlers: the last one, a function, is the ack; one more is the payload, several an array. */
export function splitAck(args: unknown[]): { payload: unknown; ack?: (result: unknown) => void } {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (result: unknown) => void) : undefined;
  const rest = ack ? args.slice(0, -1) : args;
  return { payload: rest.length > 1 ? rest : rest[0], ...(ack ? { ack } : {}) };
}
