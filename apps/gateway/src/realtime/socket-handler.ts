import type { Socket } from 'socket.io';
import type { AccessClaims } from '@classconnect/auth';
import {
  ClientPayloads,
  DomainError,
  ErrorCode,
  authorize,
  parseOrThrow,
  type Actor,
  type ClientAckData,
  type ClientEvent,
  type Permission,
  type Result,
} from '@classconnect/contracts';
import { toErrorBody } from '@classconnect/messaging';
import { createLogger, newCorrelationId, withCorrelation } from '@classconnect/observability';
import type { z } from 'zod';

const log = createLogger('SocketHandler');

/** What the handshake middleware leaves on every connected socket. */
export interface SocketUser {
  claims: AccessClaims;
  actor: Actor;
  courseIds: { teaching: string[]; enrolled: string[] };
  /** Check-in flags: the keyed hash of the connection's client signals (flags/device-fingerprint.ts). */
  deviceFingerprint?: string;
}

export function userOf(socket: Socket): SocketUser {
  return socket.data as SocketUser;
}

export interface EventContext {
  actor: Actor;
  correlationId: string;
  socket: Socket;
}

/** Fields a client might use to claim someone else's identity. The server takes identity from the token only. */
const IdentityFields = ['studentId', 'userId', 'actor', 'teacherId'];

/** A client event's payload once its schema has checked it (defaults filled in). */
export type ParsedPayload<E extends ClientEvent> = z.output<(typeof ClientPayloads)[E]>;

/**
 * Runs one client event: rejects identity claims, checks the payload against its schema, then the
 * role against `action` (so a malformed payload is refused as such before a FORBIDDEN), calls the
 * handler, and turns the outcome into the ack every client event gets.
 */
export async function runClientEvent<E extends ClientEvent>(
  socket: Socket,
  event: E,
  action: Permission,
  payload: unknown,
  handler: (request: ParsedPayload<E>, ctx: EventContext) => Promise<ClientAckData[E]>,
): Promise<Result<ClientAckData[E]>> {
  const correlationId = newCorrelationId();
  // Every log line of this event, here and in each service it reaches, carries its correlation id.
  return withCorrelation(correlationId, () => runWithin(socket, event, action, payload, handler, correlationId));
}

async function runWithin<E extends ClientEvent>(
  socket: Socket,
  event: E,
  action: Permission,
  payload: unknown,
  handler: (request: ParsedPayload<E>, ctx: EventContext) => Promise<ClientAckData[E]>,
  correlationId: string,
): Promise<Result<ClientAckData[E]>> {
  try {
    const body = payload === undefined || payload === null ? {} : payload;
    if (typeof body === 'object' && !Array.isArray(body) && IdentityFields.some((f) => f in body)) {
      throw new DomainError(
        ErrorCode.IDENTITY_MISMATCH,
        'You can only act as yourself: the server takes who you are from your sign-in, not from the message.',
      );
    }
    const request = parseOrThrow(ClientPayloads[event], body, `${event} payload`) as ParsedPayload<E>;
    const { actor } = userOf(socket);
    authorize(actor, action);
    const data = await handler(request, { actor, correlationId, socket });
    return { ok: true, data };
  } catch (err) {
    return { ok: false, error: toErrorBody(err, log, { event, correlationId, userId: userOf(socket)?.actor?.userId }) };
  }
}
