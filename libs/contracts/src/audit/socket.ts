/**
 * The audit log on the socket (apps/gateway/src/admin): an admin lists it. socket.ts joins this into
 * the client event maps. Event names are never renamed: a changed payload gets a new event name
 * beside the old one.
 */
import type { z } from 'zod';
import type { ValueOf } from '../slice-maps.js';
import { ListAuditRequest, type AuditListReply } from './rpc.js';

export const AuditClientEvents = {
  auditList: 'audit:list',
} as const;

export const AuditClientPayloads = {
  [AuditClientEvents.auditList]: ListAuditRequest.omit({ actor: true }),
} as const satisfies Record<ValueOf<typeof AuditClientEvents>, z.ZodType>;

export interface AuditClientAcks {
  [AuditClientEvents.auditList]: AuditListReply;
}
