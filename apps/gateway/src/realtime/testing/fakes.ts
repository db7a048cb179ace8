import type { Server, Socket } from 'socket.io';
import { EventTypePrefix, type Actor, type CloudEvent, type EventData, type EventSubject, type RpcReply, type RpcRequest, type RpcSubject } from '@classconnect/contracts';
import type { NatsConnection, RpcClient } from '@classconnect/messaging';
import type { SocketUser } from '../socket-handler.js';

export const student: Actor = { userId: '6f1c1c6e-8f0a-4d8e-9a53-2f5c3b9e4d11', role: 'student' };
export const teacher: Actor = { userId: '7a2d2d7f-9f1b-4e9f-8b64-3a6d4c0f5e22', role: 'teacher' };

/** A connected socket whose handshake signed in `actor`. */
export function fakeSocket(actor: Actor, extra: Partial<SocketUser> = {}): Socket {
  const user: SocketUser = { actor, claims: { ...actor, email: 'someone@uni.test', name: 'Someone' }, courseIds: { teaching: [], enrolled: [] }, ...extra };
  return { id: 'sock-1', connected: true, data: user } as unknown as Socket;
}

/** Records each request and answers with what `reply` gives for its subject. */
export class FakeRpc {
  readonly requests: { subject: RpcSubject; request: unknown; timeoutMs?: number }[] = [];

  constructor(private readonly reply: (subject: RpcSubject, request: unknown) => unknown = () => ({})) {}

  async request<S extends RpcSubject>(subject: S, request: RpcRequest<S>, opts: { correlationId?: string; timeoutMs?: number } = {}): Promise<RpcReply<S>> {
    this.requests.push({ subject, request, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
    return this.reply(subject, request) as RpcReply<S>;
  }

  asClient(): RpcClient {
    return this as unknown as RpcClient;
  }
}

/** A Socket.IO server that records what is emitted to which rooms. */
export class FakeServer {
  readonly emitted: { rooms: string[]; event: string; payload: unknown }[] = [];

  to(rooms: string[]) {
    return { emit: (event: string, payload: unknown) => void this.emitted.push({ rooms, event, payload }) };
  }

  asServer(): Server {
    return this as unknown as Server;
  }
}

/** A NATS connection whose subscriptions never deliver: the specs hand events to the fan-out themselves. */
export const idleNats = { subscribe: () => ({ unsubscribe: () => undefined }) } as unknown as NatsConnection;

let eventCount = 0;

/** A CloudEvent of `subject` with a fresh id. */
export function cloudEvent<S extends EventSubject>(subject: S, data: EventData<S>): CloudEvent<S> {
  return {
    specversion: '1.0',
    id: `event-${++eventCount}`,
    source: '/test',
    type: `${EventTypePrefix}${subject}`,
    time: '2026-05-01T08:00:00.000Z',
    datacontenttype: 'application/json',
    data,
  };
}
