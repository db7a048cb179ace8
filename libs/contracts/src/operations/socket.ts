/**
 * Operations on the socket (apps/gateway/src/operations): an admin lists the messages a consumer
 * set aside and replays one. socket.ts joins these into the client event maps. Event names are
 * never renamed: a changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import { clientEvent } from '../slice-maps.js';
import type { DeadLetterReplayedV1, DeadLetterSummary } from './dead-letters.js';

export const OperationsClientEvents = {
  /** Oldest first. */
  deadLetterList: clientEvent('deadletter:list', z.object({ limit: z.number().int().min(1).max(1_000).default(200) }).strict()).acks<{ items: DeadLetterSummary[] }>(),
  deadLetterReplay: clientEvent('deadletter:replay', z.object({ sequence: z.number().int().positive() }).strict()).acks<DeadLetterReplayedV1>(),
};
