/**
 * Live sessions (session-service, request/reply on NATS core): start and stop a session, look at
 * one or at the open ones, set a student's status by hand, show the rotating QR code. Every request
 * carries the actor the gateway authenticated; the service checks permissions again.
 * A published subject is never renamed: a new version is added beside it.
 */
import { z } from 'zod';
import { Actor, HumanText, Id, Position, RadiusM } from '../primitives.js';
import { command } from '../slice-maps.js';
import { AttendanceStatus, type SessionCloseReason } from './events.js';
import { InputLimits } from '../limits.js';

export const LateAfterMinutes = z.number().int().min(0).max(240);
export const WindowMinutes = z.number().int().min(1).max(600);

/** Rotating QR codes: off, offered (a scanned code is checked and counted as proof), or required. */
export const QrMode = z.enum(['off', 'offered', 'required']);
export type QrMode = z.infer<typeof QrMode>;
export const QrOptions = z
  .object({
    mode: QrMode,
    /** How long each code is shown; a code is accepted during its own step and the next one. */
    stepSeconds: z.number().int().min(5).max(30).default(10),
  })
  .strict();
export type QrOptions = z.infer<typeof QrOptions>;
/** What a student sends: the token from the QR code's URL, or the 6-character short code typed by hand. */
export const QrCodeInput = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.\- ]+$/, 'must be the code from the QR code or the short code');
export const StartSessionRequest = z
  .object({
    actor: Actor,
    courseId: Id,
    /** The fence's centre: the teacher's device position (or give roomId instead). */
    position: Position.optional(),
    /** Default: the room's default radius when started from a room, else 100 m. */
    radiusM: RadiusM.optional(),
    /** A check-in verified more than this many minutes after the start is marked late. */
    lateAfterMinutes: LateAfterMinutes.default(10),
    /** Check-ins are accepted for this many minutes after the start (default: until Stop or the maximum session length). */
    windowMinutes: WindowMinutes.optional(),
    /** Rotating QR codes for this session (default: off). */
    qr: QrOptions.optional(),
    /** Start from a room: its stored coordinates are the fence's centre (instead of position). */
    roomId: Id.optional(),
  })
  .strict()
  .superRefine(exactlyOnePlace);
export type StartSessionRequest = z.infer<typeof StartSessionRequest>;

/** session:start takes the fence's centre from the device (position) or from a room (roomId): exactly one. */
export function exactlyOnePlace(v: { position?: unknown; roomId?: unknown }, ctx: z.RefinementCtx): void {
  if ((v.position === undefined) === (v.roomId === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['roomId'], message: 'Give either position (this device’s) or roomId (a room’s), not both and not neither' });
  }
}

/** What anyone in the course may see of a session: never the fence's centre. */
export interface SessionView {
  sessionId: string;
  courseId: string;
  courseCode: string;
  courseTitle: string;
  teacherId: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
  /** Added later, on a closed session: why it closed (`state-lost`: the live session store came back empty). */
  closeReason?: SessionCloseReason;
  radiusM: number;
  enrolledCount: number;
  /** Students with an accepted check-in (manual marks are not counted here: see the roster and the report). */
  presentCount: number;
  /** A check-in verified later than this many minutes after openedAt is marked late. */
  lateAfterMinutes?: number;
  /** When check-ins stop being accepted (the window, or the maximum session length, whichever is first). */
  checkinClosesAt?: string;
  /** When the session closes itself if nobody stops it (the maximum session length). */
  autoCloseAt?: string;
  /** Present when the session uses rotating QR codes (mode offered or required). */
  qr?: { mode: 'offered' | 'required'; stepSeconds: number };
  /** Present when the session was started from a room (its coordinates are never sent). */
  room?: { id: string; name: string; building?: string };
  /** Added later, on a session closed by Stop (reopening on): until when its teacher may reopen it (session:reopen); in the past once that has gone. */
  reopenableUntil?: string;
  /** Added later: how many times the session was reopened after a Stop (absent: never). */
  reopenCount?: number;
}

export const SessionRefRequest = z.object({ actor: Actor, sessionId: Id }).strict();
export type SessionRefRequest = z.infer<typeof SessionRefRequest>;
/** A reopening: the device's position gives the fence's centre again (not needed for a session started from a room). */
export const ReopenSessionRequest = z.object({ actor: Actor, sessionId: Id, position: Position.optional() }).strict();
export type ReopenSessionRequest = z.infer<typeof ReopenSessionRequest>;

export const ActiveSessionsRequest = z.object({ actor: Actor }).strict();
export interface ActiveSessionsReply {
  sessions: SessionView[];
}

/** The live roster, for the session's teacher. */
export interface RosterEntry {
  studentId: string;
  name: string;
  /** Whether the student checked in (proof of presence). */
  state: 'present' | 'absent';
  markedAt?: string;
  distanceM?: number;
  /** The current status: a teacher's change if any, else the check-in's (present / late), else absent. */
  status?: AttendanceStatus;
  /** The latest change by hand, when there is one. */
  override?: MarkOverride;
}

/** A status set by hand, kept beside the check-in's own proof. */
export interface MarkOverride {
  status: AttendanceStatus;
  reason: string;
  /** The user id of the teacher or admin who set it. */
  by: string;
  at: string;
}
export interface SessionDetailReply extends SessionView {
  roster?: RosterEntry[];
}

/** The code the teacher's screen shows now. The secret it is made from never leaves session-service. */
export const QrCodeRequest = z.object({ actor: Actor, sessionId: Id }).strict();
export type QrCodeRequest = z.infer<typeof QrCodeRequest>;
export interface QrCodeReply {
  sessionId: string;
  mode: 'offered' | 'required';
  /** Goes into the QR code's URL. */
  token: string;
  /** 6 characters (no 0, O, 1 or I) to type when a camera fails; same rotation as the token. */
  shortCode: string;
  stepSeconds: number;
  /** When the next code replaces this one (this one is still accepted for one more step). */
  expiresAt: string;
}

/** Why a status was set by hand: a note, so it may run over several lines. */
export const MarkReason = HumanText({ ...InputLimits.markReason, multiline: true });
/** A teacher or admin sets a student's status by hand, during the session or after it (while its live state is kept: 7 days). */
export const MarkAttendanceRequest = z
  .object({
    actor: Actor,
    sessionId: Id,
    studentId: Id,
    status: AttendanceStatus,
    reason: MarkReason,
  })
  .strict();
export type MarkAttendanceRequest = z.infer<typeof MarkAttendanceRequest>;
export interface MarkChangeReply {
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  previousStatus: AttendanceStatus;
  reason: string;
  changedBy: string;
  changedAt: string;
  sequence: number;
}

export const SessionRpc = {
  sessionStart: command('cc.session.start.v1', StartSessionRequest).replies<SessionView>(),
  sessionStop: command('cc.session.stop.v1', SessionRefRequest).replies<SessionView>(),
  sessionGet: command('cc.session.get.v1', SessionRefRequest).replies<SessionDetailReply>(),
  sessionActive: command('cc.session.active.v1', ActiveSessionsRequest).replies<ActiveSessionsReply>(),
  sessionMark: command('cc.session.mark.v1', MarkAttendanceRequest).replies<MarkChangeReply>(),
  sessionQr: command('cc.session.qr.v1', QrCodeRequest).replies<QrCodeReply>(),
  sessionReopen: command('cc.session.reopen.v1', ReopenSessionRequest).replies<SessionView>(),
};
