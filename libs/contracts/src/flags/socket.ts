/**
 * Check-in flags on the socket: the flags found so far in a session, and a push to the course's
 * teachers as each is found. socket.ts joins these into the client and server event maps. Event
 * names are never renamed: a changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import { Id } from '../primitives.js';
import { clientEvent, serverEvent } from '../slice-maps.js';
import type { CheckinFlag } from './events.js';
import type { SessionFlagsReply } from './rpc.js';

/**
 * The `deviceId` a client may send in the handshake's `auth` (docs/protocol.md §1.2): a random id it
 * keeps for the device (the web client: a UUID in localStorage), the check-in flags' signal that two
 * accounts share a device. The gateway refuses a handshake whose `deviceId` is anything else.
 */
export const HandshakeDeviceId = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8 to 128 characters of A-Z a-z 0-9 _ -');

export const FlagClientEvents = {
  /** Check-in flags found so far in the session (the live roster reads them after a reload). */
  flagsGet: clientEvent('flags:get', z.object({ sessionId: Id }).strict()).acks<SessionFlagsReply>(),
};

export const FlagServerEvents = {
  /** To the course's teachers: flags found on an accepted check-in (also later, on an earlier check-in). */
  checkinFlagged: serverEvent('checkin:flagged').carries<{ sessionId: string; courseId: string; studentId: string; submissionId: string; flags: CheckinFlag[]; flaggedAt: string }>(),
};
