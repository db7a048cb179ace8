/**
 * The audit log on the socket (apps/gateway/src/realtime/relay-table.ts): an admin lists it. socket.ts joins this into
 * the client event maps. Event names are never renamed: a changed payload gets a new event name
 * beside the old one.
 */
import { clientEvent } from '../slice-maps.js';
import { ListAuditRequest, type AuditListReply } from './rpc.js';

export const AuditClientEvents = {
  auditList: clientEvent('audit:list', ListAuditRequest.omit({ actor: true })).acks<AuditListReply>(),
};
