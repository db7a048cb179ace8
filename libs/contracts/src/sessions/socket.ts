/**
 * Live sessions on the socket: a teacher starts, stops and looks at sessions, sets a student's
 * status by hand and shows the rotating QR code; the course hears when a session opens or closes.
 * socket.ts joins these into the client and server event maps. Event names are never renamed: a
 * changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import { EmptyRequest, Id, Position, RadiusM } from '../primitives.js';
import { clientEvent, serverEvent } from '../slice-maps.js';
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

/** The code to show now: the QR code encodes `url`; `shortCode` is shown beside it. Ask again at `expiresAt`. */
export interface QrCodeView extends QrCodeReply {
  /** `<public origin>/checkin?session=<sessionId>&qr=<token>`: opens the student's check-in with the code filled in. */
  url: string;
}

export const SessionClientEvents = {
  sessionStart: clientEvent(
    'session:start',
    z
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
  ).acks<SessionView>(),
  sessionStop: clientEvent('session:stop', z.object({ sessionId: Id }).strict()).acks<SessionView>(),
  sessionGet: clientEvent('session:get', z.object({ sessionId: Id }).strict()).acks<SessionDetailReply>(),
  sessionsActive: clientEvent('sessions:active', EmptyRequest).acks<ActiveSessionsReply>(),
  /** The student is the target, not the actor: hence `targetStudentId` (a `studentId` field is refused as IDENTITY_MISMATCH everywhere). */
  attendanceMark: clientEvent('attendance:mark', z.object({ sessionId: Id, targetStudentId: Id, status: AttendanceStatus, reason: MarkReason }).strict()).acks<MarkChangeReply>(),
  sessionQr: clientEvent('session:qr', z.object({ sessionId: Id }).strict()).acks<QrCodeView>(),
  /**
   * Undoes a Stop within the reopen window: the session is open again (its radius, QR codes and marks
   * as they were). The fence's centre is not kept after Stop: a session started from a room takes the
   * room's place again; any other needs the device's `position`, as at Start.
   */
  sessionReopen: clientEvent('session:reopen', z.object({ sessionId: Id, position: Position.optional() }).strict()).acks<SessionView>(),
};

export const SessionServerEvents = {
  sessionOpened: serverEvent('session:opened').carries<SessionView>(),
  /** closeReason added later (absent from older gateways): `state-lost` means the teacher should start a new session. */
  sessionClosed: serverEvent('session:closed').carries<{ sessionId: string; courseId: string; closedAt: string; closeReason?: SessionCloseReason }>(),
  /** A stopped session was reopened: to the course's students and teachers (ask session:get or sessions:active for the rest). */
  sessionReopened: serverEvent('session:reopened').carries<{ sessionId: string; courseId: string; reopenedAt: string; reopenCount: number }>(),
  /** To the course's teachers: a status set by hand. */
  markChanged: serverEvent('mark:changed').carries<MarkChangeReply & { courseId: string }>(),
};
