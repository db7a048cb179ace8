/**
 * The Socket.IO protocol between clients (web, mobile) and the gateway. See docs/protocol.md.
 * Every client event is answered with an ack: { ok: true, data } or { ok: false, error: { code, message } }.
 * Event names are never renamed: a changed payload gets a new event name beside the old one.
 */
import { z } from 'zod';
import type { RejectionReasonV2 } from './error-codes.js';
import { AttendanceStatus, type SignInRevokedReason } from './events.js';
import { LateAfterMinutes, QrCodeInput, QrOptions, WindowMinutes } from './messages.js';
import { Id, Position, RadiusM } from './primitives.js';
import { AuthenticationResponse, RegistrationResponse } from './webauthn.js';
import type * as M from './messages.js';

export const ClientEvents = {
  sessionStart: 'session:start',
  sessionStop: 'session:stop',
  sessionGet: 'session:get',
  sessionsActive: 'sessions:active',
  passkeyOptions: 'passkey:options',
  passkeyRegister: 'passkey:register',
  passkeyList: 'passkey:list',
  checkinBegin: 'checkin:begin',
  checkinSubmit: 'checkin:submit',
  reportGet: 'report:get',
  whoami: 'me:get',
  attendanceMark: 'attendance:mark',
  historyCourse: 'history:course',
  historyMine: 'history:mine',
  sessionQr: 'session:qr',
  // sign-in security
  userSetDisabled: 'user:set-disabled',
} as const;
export type ClientEvent = (typeof ClientEvents)[keyof typeof ClientEvents];

const Empty = z.object({}).strict();

export const ClientPayloads = {
  [ClientEvents.sessionStart]: z
    .object({
      courseId: Id,
      position: Position,
      radiusM: RadiusM.default(100),
      lateAfterMinutes: LateAfterMinutes.default(10),
      windowMinutes: WindowMinutes.optional(),
      qr: QrOptions.optional(),
    })
    .strict(),
  [ClientEvents.sessionStop]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.sessionGet]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.sessionsActive]: Empty,
  [ClientEvents.passkeyOptions]: Empty,
  [ClientEvents.passkeyRegister]: z
    .object({ response: RegistrationResponse, deviceName: z.string().trim().min(1).max(64).optional() })
    .strict(),
  [ClientEvents.passkeyList]: Empty,
  [ClientEvents.checkinBegin]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.checkinSubmit]: z
    .object({
      sessionId: Id,
      assertion: AuthenticationResponse,
      position: Position,
      /** A UUID the client makes once per check-in attempt and reuses on every retry of it. */
      idempotencyKey: z.string().uuid(),
      /** The rotating QR code's token (from the scanned URL) or its short code; required when the session's QR mode is required. */
      qr: QrCodeInput.optional(),
    })
    .strict(),
  [ClientEvents.reportGet]: z.object({ sessionId: Id }).strict(),
  [ClientEvents.whoami]: Empty,
  /** The student is the target, not the actor: hence `targetStudentId` (a `studentId` field is refused as IDENTITY_MISMATCH everywhere). */
  [ClientEvents.attendanceMark]: z
    .object({ sessionId: Id, targetStudentId: Id, status: AttendanceStatus, reason: z.string().trim().min(1).max(500) })
    .strict(),
  [ClientEvents.historyCourse]: z.object({ courseId: Id }).strict(),
  [ClientEvents.historyMine]: Empty,
  [ClientEvents.sessionQr]: z.object({ sessionId: Id }).strict(),
  // sign-in security
  [ClientEvents.userSetDisabled]: z.object({ targetUserId: Id, disabled: z.boolean() }).strict(),
} as const satisfies Record<ClientEvent, z.ZodType>;

export type ClientPayload<E extends ClientEvent> = z.input<(typeof ClientPayloads)[E]>;

export interface CheckinAccepted {
  submissionId: string;
  /**
   * 'pending': queued, the verdict comes as a checkin:result push. 'decided': this submission was
   * already decided (a retry after a lost connection): `result` holds the verdict, and no push follows.
   */
  status: 'pending' | 'decided';
  result?: CheckinResult;
}

export interface ClientAckData {
  [ClientEvents.sessionStart]: M.SessionView;
  [ClientEvents.sessionStop]: M.SessionView;
  [ClientEvents.sessionGet]: M.SessionDetailReply;
  [ClientEvents.sessionsActive]: M.ActiveSessionsReply;
  [ClientEvents.passkeyOptions]: M.RegistrationOptionsReply;
  [ClientEvents.passkeyRegister]: M.VerifyRegistrationReply;
  [ClientEvents.passkeyList]: M.PasskeysReply;
  [ClientEvents.checkinBegin]: M.IssueChallengeReply;
  [ClientEvents.checkinSubmit]: CheckinAccepted;
  [ClientEvents.reportGet]: M.ReportReply;
  [ClientEvents.whoami]: { user: M.UserSummary; courses: M.CourseSummary[] };
  [ClientEvents.attendanceMark]: M.MarkChangeReply;
  [ClientEvents.historyCourse]: M.CourseHistoryReply;
  [ClientEvents.historyMine]: M.MyHistoryReply;
  [ClientEvents.sessionQr]: QrCodeView;
  // sign-in security
  [ClientEvents.userSetDisabled]: M.SetDisabledReply;
}

/** The code to show now: the QR code encodes `url`; `shortCode` is shown beside it. Ask again at `expiresAt`. */
export interface QrCodeView extends M.QrCodeReply {
  /** `<public origin>/checkin?session=<sessionId>&qr=<token>`: opens the student's check-in with the code filled in. */
  url: string;
}

export const ServerEvents = {
  sessionOpened: 'session:opened',
  sessionClosed: 'session:closed',
  rosterUpdate: 'roster:update',
  checkinResult: 'checkin:result',
  reportReady: 'report:ready',
  markChanged: 'mark:changed',
  reportUpdated: 'report:updated',
  // sign-in security
  /** This connection's sign-in was ended; the server disconnects right after sending it. */
  authRevoked: 'auth:revoked',
} as const;
export type ServerEvent = (typeof ServerEvents)[keyof typeof ServerEvents];

export interface RosterUpdate {
  sessionId: string;
  studentId: string;
  name?: string;
  state: 'present' | 'rejected';
  reason?: RejectionReasonV2;
  message?: string;
  distanceM?: number;
  at: string;
  presentCount?: number;
}

export interface CheckinResult {
  submissionId: string;
  sessionId: string;
  verdict: 'accepted' | 'rejected';
  reason?: RejectionReasonV2;
  message?: string;
  distanceM?: number;
  at: string;
}

export interface ServerPayloads {
  [ServerEvents.sessionOpened]: M.SessionView;
  [ServerEvents.sessionClosed]: { sessionId: string; courseId: string; closedAt: string };
  [ServerEvents.rosterUpdate]: RosterUpdate;
  [ServerEvents.checkinResult]: CheckinResult;
  [ServerEvents.reportReady]: { sessionId: string; courseId: string; presentCount: number; absentCount: number };
  /** To the course's teachers: a status set by hand. */
  [ServerEvents.markChanged]: M.MarkChangeReply & { courseId: string };
  /** To the course's teachers: a built report changed; fetch it again. */
  [ServerEvents.reportUpdated]: {
    sessionId: string;
    courseId: string;
    presentCount: number;
    absentCount: number;
    counts: Record<AttendanceStatus, number>;
    revision: number;
  };
  /** Before the disconnect: why this sign-in ended, in a sentence to show. */
  [ServerEvents.authRevoked]: { reason: SignInRevokedReason; message: string };
}
