/**
 * The audit log (identity-service): every administrative or teaching action, recorded from the
 * ATTENDANCE and DIRECTORY streams, listed for admins. A published subject is never renamed: a new
 * version is added beside it.
 */
import { z } from 'zod';
import { Actor, HumanText, Id } from '../primitives.js';
import { command } from '../slice-maps.js';

export const ListAuditRequest = z
  .object({
    actor: Actor,
    limit: z.number().int().min(1).max(200).default(50),
    /** Paging, newest first: entries with an id below this one (the last id of the previous page). */
    before: z.number().int().positive().optional(),
    /** An event type such as `directory.account.created.v1` or `attendance.session.opened.v1`. */
    action: HumanText({ max: 128 }).optional(),
    actorId: Id.optional(),
    targetId: HumanText({ max: 128 }).optional(),
  })
  .strict();
export type ListAuditRequest = z.infer<typeof ListAuditRequest>;

/** One recorded administrative or teaching action. */
export interface AuditEntry {
  id: number;
  at: string;
  /** Who did it; null when the system did (a session that closed itself). */
  actorId: string | null;
  actorName: string | null;
  /** The event type without its version prefix, e.g. `directory.account.created.v1`. */
  action: string;
  targetType: string;
  targetId: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** Names (of accounts) and codes (of courses) of the ids the entry mentions, as they were when it was recorded. */
  names: Record<string, string>;
}
export interface AuditListReply {
  entries: AuditEntry[];
}

export const AuditRpc = {
  identityAuditList: command('cc.identity.audit-list.v1', ListAuditRequest).replies<AuditListReply>(),
};
