/**
 * Live sessions on the socket: a teacher starts, stops and looks at sessions, sets a student's
 * status by hand and shows the rotating QR code; the course hears when a session opens or closes.
 * socket.ts joins these into the client and server event maps. Event names are never renamed: a
 * changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import { EmptyRequest, Id, Position, RadiusM } from '../primitives.js';
import type { ValueOf } from '../slice-maps.js';
import { AttendanceStatus, type SessionCloseReason } from './events.js';
import {
  LateAfterMinutes,
  MarkReason,
  QrOptions,
  WindowMinutes,
  exactlyOnePlace,
  type ActiveSessionsReply,
  type MarkChangeReply,
  type QrCodeReply,
  type SessionDetailReply,
  type SessionView,
} from './rpc.js';

export const SessionClientEvents = {
  sessionStart: 'session:start',
  sessionStop: 'session:stop',
  sessionGet: 'session:get',
  sessionsActive: 'sessions:active',
  attendanceMark: 'attendance:mark',
  sessionQr: 'session:qr',
} as const;

export const SessionClientPayloads = {
  [SessionClientEvents.sessionStart]: z
    .object({
      courseId: Id,
      /** The device's position, or give roomId instead (exactly one of them). */
      position: Position.optional(),
      /** Default: the room's default radius when started from a room, else 100 m. */
      radiusM: RadiusM.optional(),
      lateAfterMinutes: LateAfterMinutes.default(10),
      windowMinutes: WindowMinutes.optional(),
      qr: QrOptions.optional(),
      roomId: Id.optional(),
    })
    .strict()
    .superRefine(exactlyOnePlace),
  [SessionClientEvents.sessionStop]: z.object({ sessionId: Id }).strict(),
  [SessionClientEvents.sessionGet]: z.object({ sessionId: Id }).strict(),
  [SessionClientEvents.sessionsActive]: EmptyRequest,
  /** The student is the target, not the actor: hence `targetStudentId` (a `studentId` field is refused as IDENTITY_MISMATCH everywhere). */
  [SessionClientEvents.attendanceMark]: z
    .object({ sessionId: Id, targetStudentId: Id, status: AttendanceStatus, reason: MarkReason })
    .strict(),
  [SessionClientEvents.sessionQr]: z.object({ sessionId: Id }).strict(),
} as const satisfies Record<ValueOf<typeof SessionClientEvents>, z.ZodType>;

/** The code to show now: the QR code encodes `url`; `shortCode` is shown beside it. Ask again at `expiresAt`. */
export interface QrCodeView extends QrCodeReply {
  /** `<public origin>/checkin?session=<sessionId>&qr=<token>`: opens the student's check-in with the code filled in. */
  url: string;
}

export interface SessionClientAcks {
  [SessionClientEvents.sessionStart]: SessionView;
  [SessionClientEvents.sessionStop]: SessionView;
  [SessionClientEvents.sessionGet]: SessionDetailReply;
  [SessionClientEvents.sessionsActive]: ActiveSessionsReply;
  [SessionClientEvents.attendanceMark]: MarkChangeReply;
  [SessionClientEvents.sessionQr]: QrCodeView;
}

export const SessionServerEvents = {
  sessionOpened: 'session:opened',
  sessionClosed: 'session:closed',
  markChanged: 'mark:changed',
} as const;

export interface SessionServerPayloads {
  [SessionServerEvents.sessionOpened]: SessionView;
  /** closeReason added later (absent from older gateways): `state-lost` means the teacher should start a new session. */
  [SessionServerEvents.sessionClosed]: { sessionId: string; courseId: string; closedAt: string; closeReason?: SessionCloseReason };
  /** To the course's teachers: a status set by hand. */
  [SessionServerEvents.markChanged]: MarkChangeReply & { courseId: string };
}
