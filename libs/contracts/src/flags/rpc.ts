/**
 * Check-in flags (request/reply on NATS core): what verification asks session-service while it
 * looks for flags, and the flags found so far in a session (report-service).
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Id } from '../primitives.js';
import { SessionRefRequest } from '../sessions/rpc.js';
import { command } from '../slice-maps.js';
import type { CheckinFlag } from './events.js';

/**
 * Internal (verification → session): how far apart the fence centres of two sessions are. Only
 * while both are open (a closed session's centre is gone): otherwise `known` is false.
 */
export const FenceDistanceRequest = z.object({ sessionId: Id, otherSessionId: Id }).strict();
export type FenceDistanceRequest = z.infer<typeof FenceDistanceRequest>;
export interface FenceDistanceReply {
  known: boolean;
  /** Between the two centres, in metres. */
  distanceM?: number;
  /** The two fences' radii added up, in metres. */
  radiiM?: number;
}

/** Check-in flags found so far in a session (live, before the report), for its teachers and administrators. */
export interface SessionFlagsReply {
  sessionId: string;
  students: { studentId: string; flags: CheckinFlag[] }[];
}

export const FlagRpc = {
  sessionFenceDistance: command('cc.session.fence-distance.v1', FenceDistanceRequest).replies<FenceDistanceReply>(),
  reportSessionFlags: command('cc.report.session-flags.v1', SessionRefRequest).replies<SessionFlagsReply>(),
};
