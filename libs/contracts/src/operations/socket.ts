/**
 * Operations on the socket (apps/gateway/src/operations): an admin lists the messages a consumer
 * set aside and replays one. socket.ts joins these into the client event maps. Event names are
 * never renamed: a changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import { clientEvent, serverEvent } from '../slice-maps.js';
import type { DeadLetterReplayedV1, DeadLetterSummary } from './dead-letters.js';

export const OperationsClientEvents = {
  /** Oldest first. */
  deadLetterList: clientEvent('deadletter:list', z.object({ limit: z.number().int().min(1).max(1_000).default(200) }).strict()).acks<{ items: DeadLetterSummary[] }>(),
  deadLetterReplay: clientEvent('deadletter:replay', z.object({ sequence: z.number().int().positive() }).strict()).acks<DeadLetterReplayedV1>(),
};

/** Why the gateway asks a client to connect again. */
export type ReconnectReason = 'shutdown';

export const OperationsServerEvents = {
  /**
   * This gateway is shutting down (a rolling update, a scale-in): connect again now, through the
   * same address, and another gateway takes the connection. Sent to every socket on SIGTERM; the
   * gateway closes the connections `closesInMs` later. Nothing is lost: a check-in whose verdict
   * did not arrive is submitted again with the same idempotency key after reconnecting.
   */
  serverReconnect: serverEvent('server:reconnect').carries<{ reason: ReconnectReason; closesInMs: number }>(),
};
