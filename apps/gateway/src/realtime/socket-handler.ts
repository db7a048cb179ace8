import type { Socket } from 'socket.io';
import type { AccessClaims } from '@classconnect/auth';
import {
  ClientPayloads,
  DomainError,
  ErrorCode,
  parseOrThrow,
  type Actor,
  type ClientAckData,
  type ClientEvent,
  type Result,
} from '@classconnect/contracts';
import { toErrorBody } from '@classconnect/messaging';
import { createLogger, newCorrelationId } from '@classconnect/observability';
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

/**
 * Runs one client event: checks the payload against its schema, rejects identity claims, calls
 * the handler, and turns the outcome into the ack every client event gets.
 */
export async function runClientEvent<E extends ClientEvent>(
  socket: Socket,
  event: E,
  payload: unknown,
  handler: (request: z.output<(typeof ClientPayloads)[E]>, ctx: EventContext) => Promise<ClientAckData[E]>,
): Promise<Result<ClientAckData[E]>> {
  const correlationId = newCorrelationId();
  try {
    const body = payload === undefined || payload === null ? {} : payload;
    if (typeof body === 'object' && !Array.isArray(body) && IdentityFields.some((f) => f in body)) {
      throw new DomainError(
        ErrorCode.IDENTITY_MISMATCH,
        'You can only act as yourself: the server takes who you are from your sign-in, not from the message.',
      );
    }
    const request = parseOrThrow(ClientPayloads[event], body, `${event} payload`);
    const data = await handler(request as z.output<(typeof ClientPayloads)[E]>, { actor: userOf(socket).actor, correlationId, socket });
    return { ok: true, data };
  } catch (err) {
    return { ok: false, error: toErrorBody(err, log, { event, correlationId, userId: userOf(socket)?.actor?.userId }) };
  }
}
